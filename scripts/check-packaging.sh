#!/usr/bin/env bash
# What `make test` checks of the release artifacts, each as a user meets it:
#  - the tarball (`make dist`): its SHA-256 file, its contents, its binary's --version;
#  - the Debian package (`make deb`, from that tarball): lintian (no error or warning), its
#    Depends against the libraries the binary links and against this system (dpkg
#    --dry-run), `dpkg -i` into a throwaway root, the installed `logstream --version`,
#    `man logstream` and bash completion, the systemd unit through `systemd-analyze verify`
#    (any complaint fails) and its exposure score (`systemd-analyze security`);
#  - deploy/kubernetes against the API schemas of each supported Kubernetes version
#    (kubernetes-validate, strict: unknown fields fail), and its config.toml through
#    logstream's own settings loader.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${RIG_PYTHON:-.rig/venv/bin/python}"
version="$(sed -n 's/.*static let version = "\(.*\)"/\1/p' Sources/Commands/CommandTable.swift)"
name="logstream-$version-linux-$(uname -m)"
tarball="dist/$name.tar.gz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "check-packaging: FAILED: $*" >&2; exit 1; }
say() { echo "check-packaging: $*"; }

# The tarball.
[ -f "$tarball" ] || fail "$tarball is missing (make dist)"
(cd dist && sha256sum --check --quiet "$name.tar.gz.sha256") || fail "$tarball does not match its SHA-256 file"
listing="$(tar -tzf "$tarball")"
for file in logstream man/logstream.1 completions/logstream.bash completions/_logstream completions/logstream.fish README.md LICENSE CHANGELOG.md; do
    grep -qx "$name/$file" <<<"$listing" || fail "$tarball has no $file"
done
tar -C "$work" -xzf "$tarball"
shown="$("$work/$name/logstream" --version)"
grep -q "^logstream $version (commit [0-9a-f]" <<<"$shown" || fail "--version names no version and commit: $shown"
for library in libcurl zlib ISA-L; do grep -q "^  $library " <<<"$shown" || fail "--version does not name $library: $shown"; done
say "$tarball ($(du -h "$tarball" | cut -f1)): checksum, contents and --version good — $(head -1 <<<"$shown")"

# The Debian package.
deb="$(bash scripts/deb.sh "$tarball")"
lintian --fail-on error,warning "$deb" 2>/dev/null || fail "lintian reports errors or warnings for $deb"
depends="$(dpkg-deb --field "$deb" Depends)"
for library in $(ldd "$work/$name/logstream" | awk '/=>/ {print $3}'); do
    package="$({ dpkg -S "$library" 2>/dev/null || dpkg -S "$(readlink -f "$library")" 2>/dev/null || true; } | head -1 | cut -d: -f1)"
    [ -z "$package" ] || grep -q "\b$package\b" <<<"$depends" || fail "the binary links $library ($package), which Depends does not name"
done
dpkg --dry-run -i "$deb" >/dev/null || fail "$deb cannot be installed on this system (Depends: $depends)"
root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --force-depends -i "$deb" >/dev/null 2>&1 || fail "dpkg -i into a throwaway root failed"
# (Outputs are captured before grep reads them: grep -q's early exit is no failure of theirs.)
installed="$("$root/usr/bin/logstream" --version)" || fail "the installed binary does not run"
grep -q "^logstream $version" <<<"$installed" || fail "the installed binary says: $installed"
page="$(MANPATH="$root/usr/share/man" man -P cat logstream 2>/dev/null)" || fail "man logstream finds no page in the package"
grep -q "tail --follow" <<<"$page" || fail "man logstream does not describe tail --follow"
completion="$(bash -c "source '$root/usr/share/bash-completion/completions/logstream' && complete -p logstream")" || fail "the bash completion does not load"
grep -q "_logstream" <<<"$completion" || fail "the installed bash completion is not registered: $completion"
[ "$(stat -c %a "$root/etc/logstream/logstream.env")" = 600 ] || fail "/etc/logstream/logstream.env is not root-only"
# systemd-analyze needs the units the service names (sysinit.target …) beside it.
cp -an /lib/systemd/system/. "$root/lib/systemd/system/" 2>/dev/null || true
complaints="$(systemd-analyze --root="$root" --man=no verify /lib/systemd/system/logstream.service 2>&1)" || fail "systemd-analyze verify: $complaints"
[ -z "$complaints" ] || fail "systemd-analyze verify complains: $complaints"
exposure="$(systemd-analyze security --offline=yes --root="$root" logstream.service 2>/dev/null | sed -n 's/.*Overall exposure level for logstream.service: \([0-9.]* [A-Z]*\).*/\1/p')"
[ -n "$exposure" ] || fail "systemd-analyze security gave no exposure level"
dpkg --root="$root" --purge logstream >/dev/null 2>&1 || fail "dpkg --purge failed"
[ ! -e "$root/usr/bin/logstream" ] || fail "purge left /usr/bin/logstream"
say "$deb ($(du -h "$deb" | cut -f1)): lintian clean, installs and purges, --version, man page, completion; unit verified, exposure $exposure"

# The Kubernetes manifests, against each supported version's schemas.
for kube in 1.30.0 1.31.0 1.32.0 1.33.0 1.34.0 1.35.0; do
    "$python" -m kubernetes_validate --strict --quiet -k "$kube" deploy/kubernetes/*.yaml || fail "deploy/kubernetes does not validate against Kubernetes $kube"
done
sed 's/periodSeconds: 15/periodSecond: 15/' deploy/kubernetes/deployment.yaml > "$work/misspelt.yaml"
if "$python" -m kubernetes_validate --strict --quiet -k 1.35.0 "$work/misspelt.yaml" >/dev/null 2>&1; then
    fail "the validator accepted a misspelt field: it checks nothing"
fi
sed -n '/config.toml: |/,$p' deploy/kubernetes/configmap.yaml | tail -n +2 | sed 's/^    //' > "$work/config.toml"
loaded="$(LOGSTREAM_CONFIG="$work/config.toml" ES_PASS=x CHECKPOINT_PATH="$work/state/cp.json" HTTP_TIMEOUT_SECS=1 \
    "$work/$name/logstream" checkpoint show 2>&1)" && status=0 || status=$?
[ "$status" != 2 ] || fail "the ConfigMap's config.toml is refused by logstream: $loaded"
say "deploy/kubernetes: valid against Kubernetes 1.30–1.35 (strict); its config.toml loads"
