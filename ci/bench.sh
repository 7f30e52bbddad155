#!/usr/bin/env bash
# ci/bench.sh [quick|latency|migrate [quick]]: the codis-server benchmark against redis-server
# (bench/server/bench.sh: req/s and req per server CPU-second for redis-benchmark's tests at -P 1 and -P 16, and
# memory for 1,000,000 keys; latency: bench/server/latency.sh; migrate: bench/server/migrate.sh, a slot of
# 100,000 keys and a 5,000,000-field hash moved between two servers, keys/s and the source's p99 meanwhile).
# Builds codis-server in build/ (the ci preset) first unless CODIS_SERVER names a binary or
# BENCH_NO_BUILD=1; while the tree has no codis-server target, redis-server is benchmarked against
# itself, which validates the script. BENCH_ENFORCE=1 fails the run when issue 3's targets are missed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

if [[ -z ${CODIS_SERVER:-} && ${BENCH_NO_BUILD:-0} != 1 ]]; then
  [[ -f build/build.ninja ]] || cmake --preset ci >/dev/null
  if ninja -C build -t targets all 2>/dev/null | grep -q '^codis-server:'; then
    echo "ci/bench.sh: building codis-server (build/)"
    cmake --build build --target codis-server
  else
    echo "ci/bench.sh: this tree has no codis-server target yet"
  fi
fi
if [[ ${1:-} == latency ]]; then
  exec bench/server/latency.sh  # io-idle-nap auto|yes|no against redis-server: p50/p99 at -c 1 and -c 50
fi
if [[ ${1:-} == migrate ]]; then
  shift
  exec bench/server/migrate.sh "$@"  # slot migration against redis's MIGRATE: keys/s, p99 of other clients
fi
exec bench/server/bench.sh "$@"
