#!/usr/bin/env bash
# `make dist`: the release artifact — dist/logstream-VERSION-linux-ARCH.tar.gz (the release
# binary, stripped; the man page; the bash, zsh and fish completions; README; LICENSE;
# CHANGELOG) and its SHA-256 file. The Debian package and the container image are made
# from this tarball, so all three ship the same bytes.
#   scripts/dist.sh [BINARY]   (default .build/release/logstream)
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:-.build/release/logstream}"
version="$(sed -n 's/.*static let version = "\(.*\)"/\1/p' Sources/Commands/CommandTable.swift)"
arch="$(uname -m)"
name="logstream-$version-linux-$arch"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/completions" "$stage/$name/man" dist
install -m 0755 "$binary" "$stage/$name/logstream"
strip --strip-unneeded --remove-section=.comment "$stage/$name/logstream"
install -m 0644 man/logstream.1 "$stage/$name/man/"
install -m 0644 completions/logstream.bash completions/_logstream completions/logstream.fish "$stage/$name/completions/"
install -m 0644 README.md LICENSE CHANGELOG.md "$stage/$name/"
# Reproducible: the files' times are the commit's, owners are root, names sorted.
epoch="$(git log -1 --format=%ct 2>/dev/null || echo 0)"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C "$stage" -cf - "$name" | gzip -9n > "dist/$name.tar.gz"
(cd dist && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "dist/$name.tar.gz"
