#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 in build-fuzz and runs each one for N seconds (default 60).
#   ci/fuzz.sh [seconds-per-target]
# The checked-in corpus and regressions are read-only inputs: new interesting inputs go to a scratch
# corpus (fuzz-out/<target>/corpus, the first corpus dir, which is where libFuzzer writes), crashes to
# fuzz-out/<target>/artifacts. Fails, naming the artifact, if any target crashes, leaks or times out.
# Fold useful new inputs back by hand:  <target>_fuzzer -merge=1 fuzz/corpus/<target> fuzz-out/<target>/corpus
# Add a minimised crash to fuzz/regressions/<target>/ (it then replays in ctest forever).
set -euo pipefail

secs="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CODIS_FUZZ_BUILD:-$root/build-fuzz}"
out="${CODIS_FUZZ_OUT:-$root/fuzz-out}"
max_len="${CODIS_FUZZ_MAX_LEN:-65536}"
# UBSan findings fail the run like ASan ones (by default UBSan prints and goes on).
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCODIS_FUZZ=ON -DCODIS_TESTS=OFF -DCODIS_BENCH=OFF >/dev/null
ninja -C "$build" -j2 fuzzers

failed=()
for src in "$root"/fuzz/*_fuzzer.cc; do
  name="$(basename "$src" _fuzzer.cc)"
  bin="$build/fuzz/${name}_fuzzer"
  corpus="$root/fuzz/corpus/$name"
  regressions="$root/fuzz/regressions/$name"
  scratch="$out/$name/corpus"
  artifacts="$out/$name/artifacts"
  mkdir -p "$scratch" "$artifacts" "$corpus" "$regressions"
  dict=()
  [[ -f "$root/fuzz/dict/resp.dict" && "$name" == resp_* ]] && dict=(-dict="$root/fuzz/dict/resp.dict")

  echo "== $name: replaying regressions and corpus"
  if ! "$bin" -runs=0 -timeout=5 -rss_limit_mb=2048 -artifact_prefix="$artifacts/" "$regressions" "$corpus" \
      >"$out/$name/replay.log" 2>&1; then
    echo "!! $name fails on the checked-in inputs; see $out/$name/replay.log"
    failed+=("$name")
    continue
  fi

  echo "== $name: fuzzing for ${secs}s"
  if "$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -max_len="$max_len" "${dict[@]}" \
      -artifact_prefix="$artifacts/" -print_final_stats=1 "$scratch" "$corpus" "$regressions" \
      >"$out/$name/fuzz.log" 2>&1; then
    grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$out/$name/fuzz.log" || true
  else
    echo "!! $name found a problem; log: $out/$name/fuzz.log"
    ls -1 "$artifacts"/* 2>/dev/null | sed 's/^/   artifact: /'
    grep -m1 -E 'ERROR|FUZZ_CHECK|runtime error' "$out/$name/fuzz.log" || true
    failed+=("$name")
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]}"
  exit 1
fi
echo "fuzz: ok"
