#!/usr/bin/env bash
# Builds the reproduction with and without optimisation and says whether this toolchain
# still miscompiles it. Exit 0 either way: it reports, it does not gate the build. See README.md.
set -uo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swiftc -Onone -swift-version 6 main.swift -o "$out/onone" && "$out/onone" >/dev/null && echo "-Onone: ok"
swiftc -O -swift-version 6 main.swift -o "$out/o" 2>/dev/null
if "$out/o" >/dev/null 2>&1; then
    echo "-O: ok — this toolchain no longer drops the store; the workaround may stay, it costs nothing"
else
    echo "-O: crashed (exit $?) — this toolchain still has the bug; keep awaited values out of result literals"
fi
