#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 in build-fuzz and runs each one for N seconds (default 60),
# CODIS_FUZZ_PARALLEL targets at a time (default 2, one per core of a CI runner).
#   ci/fuzz.sh [seconds-per-target]     CI runs it with FUZZ_SECONDS (ci/test.sh); the weekly-style long
#                                       run is `ci/fuzz.sh 600` (10 minutes per target).
#   CODIS_FUZZ_TARGETS="glob hll"       only these targets (default: every fuzz/*_fuzzer.cc).
# The checked-in corpus and regressions are read-only inputs: new interesting inputs go to a scratch
# corpus (fuzz-out/<target>/corpus, the first corpus dir, which is where libFuzzer writes), crashes to
# fuzz-out/<target>/artifacts. The scratch corpus is kept between runs, so repeated runs keep growing it.
# Fails, naming the artifact, if any target crashes, leaks or times out.
# Fold useful new inputs back by hand:  <target>_fuzzer -merge=1 fuzz/corpus/<target> fuzz-out/<target>/corpus
# Add a minimised crash to fuzz/regressions/<target>/ (it then replays in ctest forever).
# Dictionaries: fuzz/dict/<target>.dict if present (resp_* targets share resp.dict).
set -euo pipefail

secs="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CODIS_FUZZ_BUILD:-$root/build-fuzz}"
out="${CODIS_FUZZ_OUT:-$root/fuzz-out}"
max_len="${CODIS_FUZZ_MAX_LEN:-65536}"
parallel="${CODIS_FUZZ_PARALLEL:-2}"
# UBSan findings fail the run like ASan ones (by default UBSan prints and goes on).
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

targets=()
if [[ -n "${CODIS_FUZZ_TARGETS:-}" ]]; then
  read -r -a targets <<<"$CODIS_FUZZ_TARGETS"
else
  for src in "$root"/fuzz/*_fuzzer.cc; do targets+=("$(basename "$src" _fuzzer.cc)"); done
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCODIS_FUZZ=ON -DCODIS_TESTS=OFF -DCODIS_BENCH=OFF >/dev/null
ninja -C "$build" -j2 "${targets[@]/%/_fuzzer}"

# One target: replay the checked-in inputs, then fuzz. Writes its verdict to fuzz-out/<name>/status.
run_target() {
  local name="$1"
  local bin="$build/fuzz/${name}_fuzzer"
  local corpus="$root/fuzz/corpus/$name" regressions="$root/fuzz/regressions/$name"
  local scratch="$out/$name/corpus" artifacts="$out/$name/artifacts"
  mkdir -p "$scratch" "$artifacts" "$corpus" "$regressions"
  local dict=()
  if [[ -f "$root/fuzz/dict/$name.dict" ]]; then
    dict=(-dict="$root/fuzz/dict/$name.dict")
  elif [[ "$name" == resp_* && -f "$root/fuzz/dict/resp.dict" ]]; then
    dict=(-dict="$root/fuzz/dict/resp.dict")
  fi
  if ! "$bin" -runs=0 -timeout=5 -rss_limit_mb=2048 -artifact_prefix="$artifacts/" "$regressions" "$corpus" \
      >"$out/$name/replay.log" 2>&1; then
    echo "replay" >"$out/$name/status"
    return
  fi
  if "$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -max_len="$max_len" "${dict[@]}" \
      -artifact_prefix="$artifacts/" -print_final_stats=1 "$scratch" "$corpus" "$regressions" \
      >"$out/$name/fuzz.log" 2>&1; then
    echo "ok" >"$out/$name/status"
  else
    echo "fuzz" >"$out/$name/status"
  fi
}

# What a finished target reports: its verdict, and on success how far it got (the first line of the run,
# "INITED", is where the checked-in corpus left coverage; the last is where the run left it).
report() {
  local name="$1" status
  status="$(cat "$out/$name/status" 2>/dev/null || echo "missing")"
  case "$status" in
    ok)
      local first last
      first="$(grep -m1 -oE 'INITED cov: [0-9]+ ft: [0-9]+' "$out/$name/fuzz.log" || true)"
      last="$(grep -oE '(pulse|NEW|REDUCE|DONE) +cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$out/$name/fuzz.log" | tail -n1 || true)"
      echo "== $name: ${first:-?} -> ${last:-?}; $(grep -E '^stat::(number_of_executed_units|new_units_added):' \
        "$out/$name/fuzz.log" | sed -E 's/^stat::([a-z_]+): +/\1 /' | tr '\n' ' ')"
      return 0
      ;;
    replay) echo "!! $name fails on the checked-in inputs; see $out/$name/replay.log" ;;
    *) echo "!! $name found a problem; log: $out/$name/fuzz.log" ;;
  esac
  find "$out/$name/artifacts" -type f 2>/dev/null | sed "s/^/   artifact: /"
  grep -m1 -E 'ERROR|FUZZ_CHECK|runtime error' "$out/$name/fuzz.log" "$out/$name/replay.log" 2>/dev/null || true
  return 1
}

echo "== fuzzing ${#targets[@]} targets for ${secs}s each, $parallel at a time"
failed=()
running=()
for name in "${targets[@]}"; do
  mkdir -p "$out/$name"
  rm -f "$out/$name/status"
  run_target "$name" &
  running+=("$!:$name")
  if ((${#running[@]} >= parallel)); then
    wait "${running[0]%%:*}" || true
    report "${running[0]#*:}" || failed+=("${running[0]#*:}")
    running=("${running[@]:1}")
  fi
done
for job in "${running[@]}"; do
  wait "${job%%:*}" || true
  report "${job#*:}" || failed+=("${job#*:}")
done

if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]}"
  exit 1
fi
echo "fuzz: ok"
