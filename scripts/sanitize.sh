#!/usr/bin/env bash
# make sanitize: the engine and integration tests under AddressSanitizer (with LeakSanitizer)
# and then ThreadSanitizer. The tests and the logstream binary they drive are both built
# with the sanitizer (release mode for the binary, as users run it). Every report from the
# binary goes to a file, so a report from a process a test killed or whose output it did not
# read still counts; the run fails on any report and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."

only="${1:-address thread}"
status=0
for sanitizer in $only; do
    scratch=".build-$sanitizer"
    reports="$PWD/.rig/sanitize-$sanitizer"
    rm -rf "$reports" && mkdir -p "$reports"
    echo "==> $sanitizer sanitizer: building"
    swift build -c release --product logstream --scratch-path "$scratch" --sanitize="$sanitizer"
    swift build --build-tests --scratch-path "$scratch" --sanitize="$sanitizer"
    case "$sanitizer" in
        address)
            # The test runner's own exit-time leaks (Foundation, the test library) are not
            # logstream's; the binary's are checked, less TOMLKit's (scripts/sanitize/lsan.supp).
            # The runner's one suppression is a Foundation bug (scripts/sanitize/asan-runner.supp).
            export ASAN_OPTIONS="detect_leaks=0:suppressions=$PWD/scripts/sanitize/asan-runner.supp"
            export LOGSTREAM_BIN_ASAN_OPTIONS="detect_leaks=1:log_path=$reports/report"
            export LOGSTREAM_BIN_LSAN_OPTIONS="suppressions=$PWD/scripts/sanitize/lsan.supp:print_suppressions=0"
            ;;
        thread)
            export TSAN_OPTIONS="halt_on_error=0"
            export LOGSTREAM_BIN_TSAN_OPTIONS="log_path=$reports/report"
            ;;
    esac
    echo "==> $sanitizer sanitizer: engine and integration tests"
    set +e
    LOGSTREAM_BIN="$PWD/$scratch/release/logstream" RIG_PYTHON="$PWD/.rig/venv/bin/python" \
        swift test --skip-build --scratch-path "$scratch" --sanitize="$sanitizer" --filter 'EngineTests|IntegrationTests' \
        > "$reports/tests.log" 2>&1
    tests=$?
    set -e
    unset ASAN_OPTIONS TSAN_OPTIONS LOGSTREAM_BIN_ASAN_OPTIONS LOGSTREAM_BIN_LSAN_OPTIONS LOGSTREAM_BIN_TSAN_OPTIONS
    found=$(find "$reports" -name 'report.*' | wc -l)
    in_runner=$(grep -c -E "ERROR: AddressSanitizer|WARNING: ThreadSanitizer" "$reports/tests.log" || true)
    grep -E "Test run with|Executed .* tests" "$reports/tests.log" | tail -2 || true
    if [ "$found" -gt 0 ] || [ "$in_runner" -gt 0 ] || [ "$tests" -ne 0 ]; then
        echo "$sanitizer sanitizer: $found report file(s) from the binary, $in_runner report(s) in the test process, tests exit $tests"
        for file in $(find "$reports" -name 'report.*' | head -5); do echo "--- $file"; head -60 "$file"; done
        grep -E -A40 "ERROR: AddressSanitizer|WARNING: ThreadSanitizer" "$reports/tests.log" | head -120 || true
        grep -E "✘" "$reports/tests.log" | head -20 || true
        status=1
    else
        echo "$sanitizer sanitizer: clean (0 reports)"
    fi
done
exit $status
