#!/usr/bin/env bash
# Installs the Debian packages the tests and benchmarks need (servers the tests start on random
# loopback ports, the browser for end-to-end tests and a Korean font for it). Skips apt when everything is present.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(nats-server redis-server postgresql nginx chromium fonts-nanum prometheus)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all present (${packages[*]})"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
