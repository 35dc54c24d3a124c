# logstream — build, test and try it. `make demo` and `make test` set everything up themselves.
SWIFT ?= swift
DEBUG_BIN := .build/debug/logstream
RELEASE_BIN := .build/release/logstream
RIG_PYTHON := .rig/venv/bin/python
# The release binary links the Swift runtime and Foundation statically, as the Dockerfile's
# does: what the tests drive is what users run, and it starts in a few milliseconds instead
# of loading a dozen shared Swift libraries first. Every release build uses the same flags,
# so switching targets never rebuilds from scratch.
RELEASE_FLAGS := -c release --static-swift-stdlib

.PHONY: all setup setup-tests build-info build release test sanitize soak demo demo-stop docs bench clean dist deb check-packaging

all: build

# apt packages (libcurl, zlib headers) and the test rig's Python environment.
setup:
	@bash scripts/setup.sh

# What only the tests need on top (a headless browser for the coverage report's test).
setup-tests:
	@bash scripts/setup.sh --tests

# The commit `logstream --version` names (written only when it changed).
build-info:
	@bash scripts/build-info.sh

build: setup build-info
	$(SWIFT) build

release: setup build-info
	$(SWIFT) build $(RELEASE_FLAGS) --product logstream

# The release artifact: dist/logstream-VERSION-linux-ARCH.tar.gz and its .sha256.
dist: release
	@bash scripts/dist.sh

# A Debian package made from that tarball: dist/logstream_VERSION_ARCH.deb.
deb: dist
	@bash scripts/deb.sh $$(ls -t dist/logstream-*-linux-*.tar.gz | head -1)

# The tarball, the package (lintian, systemd-analyze verify, dpkg -i into a throwaway root,
# the installed binary, man page and completion) and the Kubernetes manifests (against the
# API schemas of each supported version); `make test` runs it.
check-packaging: dist
	@bash scripts/check-packaging.sh

# Unit and integration tests; the integration tests start their own moto and osmem on
# free loopback ports. The unit tests run against a debug build; the integration and
# reliability suites drive the release binary, the one users run.
test: setup-tests build-info
	$(SWIFT) build $(RELEASE_FLAGS) --product logstream
	@bash scripts/dist.sh >/dev/null
	@bash scripts/check-packaging.sh
	$(SWIFT) build --build-tests
	LOGSTREAM_BIN=$(CURDIR)/$(RELEASE_BIN) RIG_PYTHON=$(CURDIR)/$(RIG_PYTHON) $(SWIFT) test --skip-build

# The engine and integration tests under AddressSanitizer and ThreadSanitizer, the binary
# they drive built with the same sanitizer; fails on any report (scripts/sanitize.sh).
sanitize: setup-tests
	@bash scripts/sanitize.sh

# The reliability suite at full length (its small version runs in `make test`), then the
# release daemon for SOAK_MINUTES (default 20) under ingestion, random faults and kills, with
# a backfill and a reconcile alongside; then the tally, lost and duplicated from id sets.
SOAK_MINUTES ?= 20
soak: setup-tests build-info
	$(SWIFT) build $(RELEASE_FLAGS) --product logstream
	$(SWIFT) build --build-tests
	rm -f .rig/soak-tally.jsonl
	LOGSTREAM_SOAK=1 LOGSTREAM_TALLY=$(CURDIR)/.rig/soak-tally.jsonl LOGSTREAM_BIN=$(CURDIR)/$(RELEASE_BIN) RIG_PYTHON=$(CURDIR)/$(RIG_PYTHON) \
		$(SWIFT) test --skip-build --filter 'CrashSafetyTests|HealCrashTests|FaultToleranceTests|SafeguardTests|BadInputTests|SecretsTests|SignalTests|DeleteExtrasTests'
	SOAK_MINUTES=$(SOAK_MINUTES) $(RIG_PYTHON) scripts/soak.py $(CURDIR)/$(RELEASE_BIN) $(CURDIR)/.rig/soak-tally.jsonl
	@$(RIG_PYTHON) scripts/soak_tally.py .rig/soak-tally.jsonl

# Start the local rig with sample logs, backfill them into the local engine, show the result.
demo: release
	@bash scripts/demo.sh

demo-stop:
	@$(RIG_PYTHON) rig/rig.py down --dir .rig/demo && echo "demo rig stopped"

# Regenerate the completions and man page from the command table (a test checks they match).
docs: build
	$(DEBUG_BIN) completions bash > completions/logstream.bash
	$(DEBUG_BIN) completions zsh > completions/_logstream
	$(DEBUG_BIN) completions fish > completions/logstream.fish
	$(DEBUG_BIN) completions man > man/logstream.1

clean:
	rm -rf .build .rig dist

# Performance figures, each next to a baseline measured in the same run (not part of `make test`).
bench: setup build-info
	$(SWIFT) build $(RELEASE_FLAGS) --product logstream-bench
	$(SWIFT) build $(RELEASE_FLAGS) --product logstream
	$(RIG_PYTHON) Benchmarks/bench.py
