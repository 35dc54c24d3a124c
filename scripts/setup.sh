#!/usr/bin/env bash
# Installs what building and testing logstream needs on a fresh Debian machine with the
# Swift toolchain: libcurl and zlib headers (apt), and the test rig's Python packages in
# a project-local virtualenv (.rig/venv). Quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
apt_install() {
    echo "setup: installing $* (apt)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# `--tests`: also what only the tests need — a headless browser that renders the coverage
# report (the demo and a plain build do without it).
FOR_TESTS=0
[ "${1:-}" = "--tests" ] && FOR_TESTS=1

need_apt=()
# zsh, fish and man-db only so the tests can load the completions and render the man page.
# libisal-dev: ISA-L's igzip compresses bulk bodies; libdeflate-dev only for `make bench`.
for pkg in libcurl4-openssl-dev zlib1g-dev libisal-dev libdeflate-dev zsh fish man-db; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ "$FOR_TESTS" = 1 ] && ! command -v chromium-headless-shell >/dev/null 2>&1; then
    need_apt+=(chromium-headless-shell)
fi
# lintian and systemd-analyze check the Debian package and its unit (scripts/check-packaging.sh).
if [ "$FOR_TESTS" = 1 ] && ! command -v lintian >/dev/null 2>&1; then
    need_apt+=(lintian)
fi
if [ "$FOR_TESTS" = 1 ] && ! command -v systemd-analyze >/dev/null 2>&1; then
    need_apt+=(systemd)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
    apt_install "${need_apt[@]}"
fi

VENV=.rig/venv
# opensearch-py and orjson only for `make bench`'s Python peers (the typical one's bulk
# helper, the competent one's JSON); prometheus-client's text parser reads the daemon's
# /metrics in the tests; kubernetes-validate checks deploy/kubernetes against the
# Kubernetes API schemas it ships.
PY_PACKAGES=("moto==5.2.1" "flask" "flask-cors" "osmem-server==0.1.6" "opensearch-py==3.2.0" "orjson==3.13.0"
             "prometheus-client==0.21.1" "kubernetes-validate==1.37.0")
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import moto, flask_cors, osmem_server, boto3, opensearchpy, orjson, prometheus_client, kubernetes_validate" 2>/dev/null; then
    echo "setup: creating the test rig's Python environment in $VENV (pip)"
    # Debian's own python3 has no venv module until python3-venv is installed.
    if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
        rm -rf "$VENV"
        apt_install python3-venv
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/pip" install -q --disable-pip-version-check "${PY_PACKAGES[@]}"
fi
