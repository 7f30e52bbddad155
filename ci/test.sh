#!/usr/bin/env bash
# The one test command (README quick start; .ci/run calls it): installs dependencies, builds warning-free
# with -Werror, runs every ctest (unit tests, contract tests, RapidCheck properties, fuzz corpus replay),
# the determinism lint, thousands of differential streams against redis-server, a bounded batch of
# simulator seeds, an ASan+UBSan pass (every test binary, the differential test against an ASan-built
# codis-server, every simulator scenario) and bounded libFuzzer runs. Budget: well under 40 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
SIM_SECONDS=${SIM_SECONDS:-60}
# 35 s per target, two at a time: 11 targets in 6 rounds, about 3.5 minutes of fuzzing (ci/fuzz.sh).
FUZZ_SECONDS=${FUZZ_SECONDS:-35}
start=$(date +%s)
# ccache lives outside the tree (~/.cache/ccache); these let a fresh clone at another path reuse it.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
step() { echo; echo "=== $* ($(( $(date +%s) - start ))s)"; }

step "dependencies"
ci/deps.sh

step "lint"
ci/lint.sh

step "build (RelWithDebInfo, -Werror)"
cmake --preset ci >/dev/null
cmake --build --preset ci

step "ctest"
ctest --test-dir build --output-on-failure -j2 --timeout 600

step "differential: codis-server against redis-server (${DIFF_STREAMS:=2000} random streams)"
build/tests/server_diff/server_diff --subject=build/src/server/codis-server --streams="$DIFF_STREAMS" \
  --families=strings,keys,lists,hashes,sets,zsets,hll,db,object,tx --protocol=mixed | tail -3

step "simulator seeds"
ci/sim.sh build "$SIM_SECONDS"

step "ASan+UBSan: every test binary, the differential test against an ASan-built codis-server, every scenario"
cmake --preset asan -DCODIS_WERROR=ON >/dev/null
cmake --build --preset asan
# Every ctest of the tree (unit, contract, properties, corpus replays, integration and the differential ctest,
# which start build-asan's codis-server), except the lint, which does not depend on the build.
ctest --test-dir build-asan --output-on-failure -j2 --timeout 900 -E '^lint_test$'
build-asan/tests/server_diff/server_diff --subject=build-asan/src/server/codis-server \
  --streams="${ASAN_DIFF_STREAMS:-300}" --families=strings,keys,lists,hashes,sets,zsets,hll,db,object,tx \
  --protocol=mixed | tail -3
# Every scenario (the server ones included) for a bounded batch of seeds.
for scenario in $(build-asan/sim/codis-sim --list | sed -n 's/^\([a-z_0-9]*\):.*/\1/p'); do
  build-asan/sim/codis-sim --scenario="$scenario" --seeds=1..200 --time-budget="${ASAN_SIM_SECONDS:-10}" | tail -1
done

step "fuzzers (${FUZZ_SECONDS}s per target, 2 at a time)"
ci/fuzz.sh "$FUZZ_SECONDS"

step "all tests passed in $(( $(date +%s) - start ))s"
