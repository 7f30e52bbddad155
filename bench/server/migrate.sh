#!/usr/bin/env bash
# Slot migration, codis-server against redis-server in the same run: how fast a move goes and what it does to
# the other clients of the source.
#   keys: one slot holding BENCH_KEYS (100,000) strings of BENCH_VALUE_BYTES (100) moves from A to B.
#         codis: SLOTSMGRTTAGSLOT-ASYNC 127.0.0.1 B timeout maxbulks maxbytes slot numkeys, called until it
#         answers [moved, 0]; redis: MIGRATE 127.0.0.1 B "" 0 timeout KEYS k1..kN, N = BENCH_NUMKEYS per call.
#   hash: ONE hash of BENCH_BIG_FIELDS (5,000,000) fields f<i> -> v<i>, same commands (redis's MIGRATE sends
#         it in one piece and blocks the source meanwhile: that is the comparison).
# Meanwhile a probe client (bench/server/probe.cc, compiled here with g++) sends GET and SET, alternately, on
# keys of other slots of A at BENCH_PROBE_RATE requests/s on one connection, open loop (pipelined: each request
# is sent when due, replies or not), and a request's latency runs from the time it was due, so a stalled server
# counts for every request it held up. Figures: moved units per second, the probe's p50, p99 and max during the
# move (its p99 in the second before, "idle p99", and its max in the second after, "after max"), codis/redis
# ratios. After each move A must hold the probe keys only and B everything moved, with the same values (a
# sample; HLEN for the hash) and no TTL. Each run starts fresh servers; A is pinned to BENCH_SOURCE_CPU, B to
# BENCH_TARGET_CPU, the mover and the probe to BENCH_CLIENT_CPU (on a 2-core machine the probe shares a core
# with B).
# Targets (codis): keys >= 200,000 keys/s; probe p99 < 2 ms during both moves.
#
# Usage: bench/server/migrate.sh [quick]        (ci/bench.sh migrate [quick] builds codis-server first)
#   quick: BENCH_BIG_FIELDS defaults to 500,000 instead of 5,000,000
# Environment:
#   MIGRATE_CMD=async|sync   codis's command: SLOTSMGRTTAGSLOT-ASYNC (default) or the synchronous
#                            SLOTSMGRTTAGSLOT host port timeout slot (one key, or one tag group, per call: it
#                            validates the script; use small sizes, e.g. BENCH_KEYS=2000 BENCH_BIG_FIELDS=20000)
#   BENCH_NUMKEYS (500)      keys per batch: SLOTSMGRTTAGSLOT-ASYNC's numkeys and the keys of one MIGRATE
#   BENCH_MAXBULKS (200)     SLOTSMGRTTAGSLOT-ASYNC's maxbulks: elements per chunk message of a big value
#   BENCH_MAXBYTES (33554432) SLOTSMGRTTAGSLOT-ASYNC's maxbytes: bytes in flight (32 MB)
#                            (500/200/32 MB are the Codis dashboard's semi-async defaults)
#   BENCH_MIGRATE_TIMEOUT (30000) the timeout argument of every command, ms
#   BENCH_KEYS (100000), BENCH_VALUE_BYTES (100), BENCH_BIG_FIELDS (5000000; quick 500000), BENCH_SLOT (100)
#   BENCH_TESTS ("keys hash"), BENCH_SERVERS ("redis codis")
#   BENCH_PROBE_RATE (2000 requests/s), BENCH_PROBE_KEYS (10000)
#   BENCH_PROBE_IDLE (1)     seconds of probe before and after the move, for the idle and after figures
#   BENCH_PROBE_NICE (-5)    the probe's niceness (without the right to raise priority, nice warns, runs it at 0)
#   CODIS_SERVER (build/src/server/codis-server), CODIS_SERVER_ARGS, REDIS_SERVER (redis-server on $PATH)
#   BENCH_SOURCE_CPU (0), BENCH_TARGET_CPU (1), BENCH_CLIENT_CPU (1)
#   BENCH_KEEP_WORK=1        keep the work directory (server logs, the probe's samples: TEST-SERVER.probe)
#   BENCH_ENFORCE=1          exit 1 when a target is missed (a failed check always exits 1)
# Output: the table and `bench.migrate ...` summary lines on stdout, also saved in
# bench/server/results/migrate-latest.txt (ignored by git). Every process started here is killed by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

MODE=${1:-full}
case $MODE in
  quick) BIG=${BENCH_BIG_FIELDS:-500000} ;;
  full) BIG=${BENCH_BIG_FIELDS:-5000000} ;;
  *) echo "usage: $0 [quick]" >&2; exit 2 ;;
esac
MIGRATE_CMD=${MIGRATE_CMD:-async}
case $MIGRATE_CMD in
  async) CODIS_KIND=codis-async ;;
  sync) CODIS_KIND=codis-sync ;;
  *) echo "migrate: MIGRATE_CMD must be async or sync" >&2; exit 2 ;;
esac
KEYS=${BENCH_KEYS:-100000}
VALUE_BYTES=${BENCH_VALUE_BYTES:-100}
SLOT=${BENCH_SLOT:-100}
TESTS=${BENCH_TESTS:-keys hash}
SERVERS=${BENCH_SERVERS:-redis codis}
PROBE_RATE=${BENCH_PROBE_RATE:-2000}
PROBE_KEYS=${BENCH_PROBE_KEYS:-10000}
PROBE_IDLE=${BENCH_PROBE_IDLE:-1}
PROBE_NICE=${BENCH_PROBE_NICE:--5}
SOURCE_CPU=${BENCH_SOURCE_CPU:-0}
TARGET_CPU=${BENCH_TARGET_CPU:-1}
CLIENT_CPU=${BENCH_CLIENT_CPU:-1}
export NUMKEYS=${BENCH_NUMKEYS:-500} MAXBULKS=${BENCH_MAXBULKS:-200} MAXBYTES=${BENCH_MAXBYTES:-33554432}
export TIMEOUT_MS=${BENCH_MIGRATE_TIMEOUT:-30000}
SUBJECT=${CODIS_SERVER:-build/src/server/codis-server}
REDIS=${REDIS_SERVER:-$(command -v redis-server || true)}
PY=bench/server/migrate.py

for tool in redis-cli taskset python3; do
  command -v $tool >/dev/null || { echo "migrate: $tool is missing (apt-get install redis-tools util-linux python3)" >&2; exit 2; }
done
[[ -x $REDIS ]] || { echo "migrate: redis-server not found (apt-get install redis-server)" >&2; exit 2; }
if [[ " $SERVERS " == *" codis "* && ! -x $SUBJECT ]]; then
  echo "migrate: $SUBJECT is not built (ci/bench.sh migrate builds it)" >&2
  exit 2
fi

BENCH_NAME=migrate
# shellcheck source=bench/lib.sh
source bench/lib.sh
PROBE=$WORK/probe

${CXX_FOR_PROBE:-g++} -std=c++20 -O2 -pthread bench/server/probe.cc -o "$PROBE" ||
  { echo "migrate: could not compile bench/server/probe.cc (apt-get install g++)" >&2; exit 2; }

# start_server NAME LABEL CPU: a fresh redis-server (LABEL redis) or codis-server (LABEL codis) pinned to CPU;
# sets PORT and SPID.
start_server() {
  local name=$1 label=$2 cpu=$3 dir=$WORK/$1 bin args
  PORT=$(free_port)
  mkdir -p "$dir"
  if [[ $label == redis ]]; then
    bin=$REDIS
    args=(--port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$dir"
          --logfile "$dir/server.log")
  else
    bin=$SUBJECT
    # shellcheck disable=SC2206  # CODIS_SERVER_ARGS is a word list on purpose
    args=(--port "$PORT" --bind 127.0.0.1 --cluster-mode no --save '' --dir "$dir" --logfile "$dir/server.log"
          ${CODIS_SERVER_ARGS:-})
  fi
  taskset -c "$cpu" "$bin" "${args[@]}" >"$dir/stdout.log" 2>&1 &
  SPID=$!
  PIDS+=("$SPID")
  for _ in $(seq 200); do
    if [[ $(redis-cli -p "$PORT" PING 2>/dev/null) == PONG ]]; then
      echo "migrate: $name: $bin (pid $SPID, port $PORT, CPU $cpu)"
      return 0
    fi
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.05
  done
  echo "migrate: $name ($bin) did not start:" >&2
  tail -20 "$dir/stdout.log" "$dir/server.log" >&2 2>/dev/null || true
  exit 1
}

# load PORT WHAT GEN-ARGS...: pipes migrate.py's RESP into redis-cli --pipe, fails on any error reply.
load() {
  local port=$1 what=$2 out
  shift 2
  out=$(python3 "$PY" "$@" | redis-cli -p "$port" --pipe 2>&1 | tail -1)
  if [[ $out != *"errors: 0"* ]]; then
    echo "migrate: loading $what failed: $out" >&2
    exit 1
  fi
}

# run_test TEST LABEL: fresh A and B, load, probe A, move, stop the probe, check; appends a "run" line.
run_test() {
  local test=$1 label=$2 kind what units src srcpid dst dstpid probe check stats tmo
  if [[ $label == redis ]]; then kind=redis; else kind=$CODIS_KIND; fi
  if [[ $test == keys ]]; then what=keys:$KEYS; units=$KEYS; else what=hash:$BIG; units=$BIG; fi
  start_server "$label-A" "$label" "$SOURCE_CPU"
  src=$PORT srcpid=$SPID
  start_server "$label-B" "$label" "$TARGET_CPU"
  dst=$PORT dstpid=$SPID
  if [[ $label == codis ]]; then
    # The generator's slot arithmetic against the server's own.
    [[ $(redis-cli -p "$src" SLOTSHASHKEY "$(python3 "$PY" slot-key "$SLOT")") == "$SLOT" ]] ||
      { echo "migrate: SLOTSHASHKEY disagrees with migrate.py's slot of a generated key" >&2; exit 1; }
  fi
  echo "migrate: $test/$label: loading $what into slot $SLOT and $PROBE_KEYS probe keys"
  if [[ $test == keys ]]; then
    load "$src" "$KEYS keys" gen-keys "$KEYS" "$SLOT" "$VALUE_BYTES"
  else
    load "$src" "a hash of $BIG fields" gen-hash "$SLOT" "$BIG"
  fi
  load "$src" "the probe keys" gen-probe "$SLOT" "$PROBE_KEYS"

  rm -f "$WORK/ready"
  # The probe shares its core with B; a higher priority (when allowed) keeps B's work out of its figures.
  nice -n "$PROBE_NICE" taskset -c "$CLIENT_CPU" "$PROBE" "$src" "$SLOT" "$PROBE_KEYS" "$PROBE_RATE" "$WORK/probe.out" \
    "$WORK/ready" &
  probe=$!
  PIDS+=("$probe")
  for _ in $(seq 100); do [[ -e $WORK/ready ]] && break; sleep 0.05; done
  sleep "$PROBE_IDLE"
  echo "migrate: $test/$label: moving with $kind (numkeys $NUMKEYS, maxbulks $MAXBULKS, maxbytes $MAXBYTES, timeout $TIMEOUT_MS ms)"
  if ! taskset -c "$CLIENT_CPU" python3 "$PY" move "$kind" "$src" "$dst" "$SLOT" "$what" "$WORK/move.out"; then
    echo "migrate: $test/$label: the move failed" >&2
    exit 1
  fi
  sleep "$PROBE_IDLE"
  stop_pid "$probe"
  wait "$probe" || true
  cp "$WORK/probe.out" "$WORK/$test-$label.probe"
  cp "$WORK/move.out" "$WORK/$test-$label.move"
  stats=$(python3 "$PY" analyze "$WORK/probe.out" "$WORK/move.out")
  check=$(python3 "$PY" verify "$src" "$dst" "$SLOT" "$what" "$PROBE_KEYS" "$VALUE_BYTES")
  tmo=$(awk '{printf "%.3f s, %d calls", $1, $2}' <<<"$stats")
  echo "migrate: $test/$label: moved in $tmo; check: $check"
  if [[ $kind == codis-sync ]]; then kind=sync; elif [[ $kind == codis-async ]]; then kind=async; else kind=MIGRATE; fi
  echo "run $test $label $kind $units $check $stats" >>"$WORK/raw.txt"
  stop_pid "$srcpid"
  stop_pid "$dstpid"
}

echo "migrate: mode $MODE, tests $TESTS, servers $SERVERS, codis command $MIGRATE_CMD, $KEYS keys of $VALUE_BYTES bytes, hash of $BIG fields, probe $PROBE_RATE req/s"
: >"$WORK/raw.txt"
for test in $TESTS; do
  for label in $SERVERS; do run_test "$test" "$label"; done
done

mkdir -p bench/server/results
{
  echo "bench.migrate mode=$MODE codis_cmd=$MIGRATE_CMD keys=$KEYS value_bytes=$VALUE_BYTES big_fields=$BIG numkeys=$NUMKEYS maxbulks=$MAXBULKS maxbytes=$MAXBYTES timeout_ms=$TIMEOUT_MS probe_rate=$PROBE_RATE date=$(date -u +%Y-%m-%dT%H:%M:%SZ) commit=$(git rev-parse --short HEAD 2>/dev/null || echo none) redis=$REDIS codis=$SUBJECT nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)"
  python3 "$PY" report "$WORK/raw.txt" ${BENCH_ENFORCE:+--enforce}
} | tee bench/server/results/migrate-latest.txt
exit "${PIPESTATUS[0]}"
