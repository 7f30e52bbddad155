#!/usr/bin/env bash
# Simulator seeds for CI: the regressions list, determinism checks, proof that the checkers can fail, the
# fixed seed range 1..200 and a commit-derived batch, each bounded in time.
# Usage: ci/sim.sh [build-dir] [seconds for the commit-derived batch, default 120]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BUDGET=${2:-120}
SIM="$BUILD/sim/codis-sim"
[[ -x $SIM ]] || { echo "ci/sim.sh: $SIM not built" >&2; exit 1; }

echo "== regressions"
while read -r scenario seed rest; do
  [[ -z ${scenario:-} || $scenario == \#* ]] && continue
  rest=${rest%%#*}
  args=(--scenario="$scenario" --seed="$seed")
  expect_fail=0
  for w in $rest; do
    if [[ $w == expect-fail ]]; then expect_fail=1; else args+=("$w"); fi
  done
  if "$SIM" "${args[@]}" >/tmp/codis-sim-reg.$$ 2>&1; then rc=0; else rc=$?; fi
  if [[ $expect_fail == 1 && $rc != 1 ]] || [[ $expect_fail == 0 && $rc != 0 ]]; then
    cat /tmp/codis-sim-reg.$$; rm -f /tmp/codis-sim-reg.$$
    echo "regression failed: codis-sim ${args[*]} (exit $rc)"; exit 1
  fi
  echo "ok: codis-sim ${args[*]}"
done < sim/seeds/regressions.txt
rm -f /tmp/codis-sim-reg.$$

echo "== determinism"
for s in 1 7 42; do
  "$SIM" --scenario=echo --seed=$s --check-determinism | tail -1
  "$SIM" --scenario=server_kv --seed=$s --check-determinism | tail -1
done
h1=$("$SIM" --scenario=echo --seed=7 | tail -1)
h2=$("$SIM" --scenario=echo --seed=7 | tail -1)
[[ $h1 == "$h2" ]] || { echo "seed 7 printed $h1 then $h2"; exit 1; }

echo "== the checker can fail: a planted bug must be caught within 200 seeds"
if out=$("$SIM" --scenario=echo --seeds=1..200 --bug=echo-drop-byte --time-budget=60); then
  echo "$out" | tail -3; echo "the planted echo bug was NOT caught"; exit 1
fi
echo "$out" | tail -1

echo "== seeds 1..200"
"$SIM" --scenario=echo --seeds=1..200
"$SIM" --scenario=server_kv --seeds=1..200
if "$SIM" --scenario=server_kv --seeds=1..50 --bug=kv-model-drops-append >/dev/null; then
  echo "server_kv's checker missed the planted model bug"; exit 1
fi

echo "== commit-derived seeds (${BUDGET}s)"
base=$(( 0x$(git rev-parse HEAD 2>/dev/null | cut -c1-8 || echo 1) ))
"$SIM" --scenario=echo --seeds=$base..$((base + 100000)) --time-budget="$((BUDGET / 2))"
"$SIM" --scenario=server_kv --seeds=$base..$((base + 100000)) --time-budget="$((BUDGET / 2))"
