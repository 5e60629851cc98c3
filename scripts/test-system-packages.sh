#!/bin/sh
# The system packages the tests need beside Python's: Chromium for the web board's
# browser tests, and a CJK font so charts and screenshots render Chinese. Installed with
# apt-get (Debian/Ubuntu) when missing; as root, or through sudo.
set -eu
need=""
for package in chromium fonts-noto-cjk; do
    dpkg -s "$package" >/dev/null 2>&1 || need="$need $package"
done
[ -z "$need" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install these with your package manager:$need" >&2
    exit 1
fi
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
$as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $need
