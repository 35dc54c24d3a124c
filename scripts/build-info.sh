#!/usr/bin/env bash
# Writes the commit being built into Sources/CBuildInfo/commit.h for `logstream --version`,
# only when it changed (so an unchanged tree is not rebuilt). Outside a git checkout (a
# source tarball) the commit is LOGSTREAM_COMMIT from the environment, or left empty.
set -euo pipefail
cd "$(dirname "$0")/.."
commit="${LOGSTREAM_COMMIT:-}"
if [ -z "$commit" ] && git rev-parse --git-dir >/dev/null 2>&1; then
    commit="$(git rev-parse --short=12 HEAD)"
    git diff --quiet HEAD -- Sources Package.swift 2>/dev/null || commit="$commit-dirty"
fi
header=Sources/CBuildInfo/commit.h
line="#define LOGSTREAM_COMMIT \"$commit\""
if [ ! -f "$header" ] || [ "$(cat "$header")" != "$line" ]; then
    echo "$line" > "$header"
    # The C file includes the header only if it exists; a new mtime makes the build see it.
    touch Sources/CBuildInfo/build_info.c
fi
