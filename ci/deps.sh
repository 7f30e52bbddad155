#!/usr/bin/env bash
# Installs every Debian package codis-cpp needs to build, test, fuzz and benchmark. Idempotent.
set -euo pipefail
pkgs=(
  build-essential g++ cmake ninja-build ccache git pkg-config python3
  clang-14 libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  libcxxopts-dev libabsl-dev libzookeeper-mt-dev libhiredis-dev
  redis-server redis-tools nutcracker python3-redis
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# redis-server's package starts a daemon on 6379 (nutcracker's, when /etc/nutcracker/nutcracker.yml exists, one
# on 22121); tests and benchmarks never use them, so stop them to keep the machine quiet.
for daemon in redis-server nutcracker; do
  if command -v systemctl >/dev/null 2>&1; then systemctl stop "$daemon" >/dev/null 2>&1 || true; fi
  if command -v service >/dev/null 2>&1; then service "$daemon" stop >/dev/null 2>&1 || true; fi
done
echo "deps: ok"
