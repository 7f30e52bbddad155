#!/usr/bin/env bash
# The one test command (README quick start; .ci/run calls it): installs dependencies, builds warning-free
# with -Werror, runs every ctest (unit tests, contract tests, RapidCheck properties, fuzz corpus replay),
# the determinism lint, a bounded batch of simulator seeds, an ASan+UBSan pass over the runtimes and the
# simulator, and bounded libFuzzer runs. Budget: well under 40 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
SIM_SECONDS=${SIM_SECONDS:-60}
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
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

step "simulator seeds"
ci/sim.sh build "$SIM_SECONDS"

step "ASan+UBSan: runtimes and simulator"
cmake --preset asan -DCODIS_WERROR=ON >/dev/null
cmake --build --preset asan --target codis-sim task_test sim_test rt_contract_test rt_asio_test
for t in task_test sim_test; do ./build-asan/tests/sim/$t; done
for t in rt_contract_test rt_asio_test; do ./build-asan/tests/rt/$t; done
./build-asan/sim/codis-sim --scenario=echo --seeds=1..20

step "fuzzers (${FUZZ_SECONDS}s per target)"
ci/fuzz.sh "$FUZZ_SECONDS"

step "all tests passed in $(( $(date +%s) - start ))s"
