#!/usr/bin/env bash
# ci/bench.sh [quick|latency|migrate [quick]|proxy [quick]]: the codis-server benchmark against redis-server
# (bench/server/bench.sh: req/s and req per server CPU-second for redis-benchmark's tests at -P 1 and -P 16, and
# memory for 1,000,000 keys; latency: bench/server/latency.sh; migrate: bench/server/migrate.sh, a slot of
# 100,000 keys and a 5,000,000-field hash moved between two servers, keys/s and the source's p99 meanwhile;
# proxy: bench/proxy/bench.sh, codis-proxy against nutcracker and the backend direct over 1 and 2 codis-servers,
# req/s, req per proxy CPU-second, added round trip and RSS with 1,000 idle clients).
# Builds codis-server (and for proxy codis-proxy) in build/ (the ci preset) first unless CODIS_SERVER (and
# CODIS_PROXY) name binaries or BENCH_NO_BUILD=1; while the tree has no codis-server target, redis-server is
# benchmarked against itself, which validates the script. BENCH_ENFORCE=1 fails the run when the targets (issue 3's;
# for proxy, the proxy issue's) are missed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

targets=()
[[ -z ${CODIS_SERVER:-} ]] && targets+=(codis-server)
[[ ${1:-} == proxy && -z ${CODIS_PROXY:-} ]] && targets+=(codis-proxy)
if ((${#targets[@]})) && [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
  [[ -f build/build.ninja ]] || cmake --preset ci >/dev/null
  for target in "${targets[@]}"; do
    if ninja -C build -t targets all 2>/dev/null | grep -q "^$target:"; then
      echo "ci/bench.sh: building $target (build/)"
      cmake --build build --target "$target"
    else
      echo "ci/bench.sh: this tree has no $target target yet"
    fi
  done
fi
if [[ ${1:-} == latency ]]; then
  exec bench/server/latency.sh  # io-idle-nap auto|yes|no against redis-server: p50/p99 at -c 1 and -c 50
fi
if [[ ${1:-} == migrate ]]; then
  shift
  exec bench/server/migrate.sh "$@"  # slot migration against redis's MIGRATE: keys/s, p99 of other clients
fi
if [[ ${1:-} == proxy ]]; then
  shift
  exec bench/proxy/bench.sh "$@"  # codis-proxy against nutcracker and the backend direct
fi
exec bench/server/bench.sh "$@"
