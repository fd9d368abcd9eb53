#!/usr/bin/env bash
# Installs everything Rampart needs on a fresh Debian 12 machine with Swift 6 (build, serve, test).
# Idempotent: skips what is already there. Run as root (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/../.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

APT_PACKAGES=(pkg-config libopenblas-dev libnghttp2-dev zlib1g-dev libcurl4-openssl-dev nghttp2-client curl)
missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
