#!/usr/bin/env bash
# `make deb`: a Debian package made from the release tarball (`make dist`), so it ships the
# same binary: /usr/bin/logstream, the man page, the completions in their system
# directories, the systemd unit (deploy/debian/logstream.service) and the example
# settings file /etc/logstream/logstream.env (a conffile, root-only).
#   scripts/deb.sh dist/logstream-VERSION-linux-ARCH.tar.gz   → dist/logstream_VERSION_DEBARCH.deb
set -euo pipefail
cd "$(dirname "$0")/.."
tarball="$1"
name="$(basename "$tarball" .tar.gz)"
version="$(echo "$name" | sed 's/^logstream-\(.*\)-linux-.*$/\1/')"
arch="$(dpkg --print-architecture)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
tar -C "$stage" -xzf "$tarball"
from="$stage/$name"
root="$stage/root"
epoch="$(git log -1 --format=%ct 2>/dev/null || echo 0)"

install -D -m 0755 "$from/logstream" "$root/usr/bin/logstream"
install -d "$root/usr/share/man/man1"
gzip -9n < "$from/man/logstream.1" > "$root/usr/share/man/man1/logstream.1.gz"
install -D -m 0644 "$from/completions/logstream.bash" "$root/usr/share/bash-completion/completions/logstream"
install -D -m 0644 "$from/completions/_logstream" "$root/usr/share/zsh/vendor-completions/_logstream"
install -D -m 0644 "$from/completions/logstream.fish" "$root/usr/share/fish/vendor_completions.d/logstream.fish"
install -D -m 0644 deploy/debian/logstream.service "$root/lib/systemd/system/logstream.service"
install -D -m 0600 deploy/debian/logstream.env "$root/etc/logstream/logstream.env"
install -d "$root/usr/share/doc/logstream"
gzip -9n < "$from/CHANGELOG.md" > "$root/usr/share/doc/logstream/CHANGELOG.md.gz"
gzip -9n < "$from/README.md" > "$root/usr/share/doc/logstream/README.md.gz"
{
    echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    echo "Upstream-Name: logstream"
    echo
    echo "Files: *"
    echo "Copyright: 2026 The logstream authors"
    echo "License: MIT"
    sed 's/^$/./; s/^/ /' "$from/LICENSE" | tail -n +5
} > "$root/usr/share/doc/logstream/copyright"
{
    echo "logstream ($version) unstable; urgency=medium"
    echo
    echo "  * Release $version; what changed for users is in CHANGELOG.md.gz."
    echo
    echo " -- logstream maintainers <maintainers@logstream.invalid>  $(date -u -R -d "@$epoch")"
} | gzip -9n > "$root/usr/share/doc/logstream/changelog.gz"
chmod 0644 "$root/usr/share/doc/logstream/"*
# Root-only on purpose (it may hold ES_PASS or ES_API_KEY): said to lintian, not hidden.
install -d "$root/usr/share/lintian/overrides"
printf '%s\n' "# /etc/logstream/logstream.env is root-only on purpose: it may hold ES_PASS or ES_API_KEY." \
    "logstream: non-standard-file-perm 0600 != 0644 [etc/logstream/logstream.env]" > "$root/usr/share/lintian/overrides/logstream"
chmod 0644 "$root/usr/share/lintian/overrides/logstream"

install -d "$root/DEBIAN"
size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" deploy/debian/control > "$root/DEBIAN/control"
echo "/etc/logstream/logstream.env" > "$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -print | sed 's|^\./||' | sort | xargs md5sum) > "$root/DEBIAN/md5sums"
find "$root" -exec touch -h -d "@$epoch" {} +
mkdir -p dist
out="dist/logstream_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
