#!/usr/bin/env bash
# Installs the Debian packages the test suite and the benchmarks need. Safe to run again.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends nats-server redis-server nginx chromium
