#!/usr/bin/env bash
# The idle mode of codis-server's event loop (io-idle-nap auto|yes|no) against redis-server: GET at -P 1
# with 1 and with 50 connections, reporting requests per second, p50 and p99 latency (redis-benchmark's
# --csv figures) and the server's CPU microseconds per request (/proc/PID/stat). Server and client are pinned
# to different cores; the modes alternate within each round so load drifts hit them all; each figure is the
# median of BENCH_ROUNDS runs.
#
# Usage: bench/server/latency.sh            (ci/bench.sh latency builds codis-server first)
# Environment: CODIS_SERVER (default build/src/server/codis-server), REDIS_SERVER, BENCH_REQUESTS (100000),
#   BENCH_ROUNDS (3), BENCH_SERVER_CPU (0), BENCH_CLIENT_CPU (1), BENCH_CONNECTIONS ("1 50").
# Every process started here is killed by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${BENCH_REQUESTS:-100000}
ROUNDS=${BENCH_ROUNDS:-3}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
CLIENT_CPU=${BENCH_CLIENT_CPU:-1}
CONNECTIONS=${BENCH_CONNECTIONS:-1 50}
SUBJECT=${CODIS_SERVER:-build/src/server/codis-server}
REDIS=${REDIS_SERVER:-$(command -v redis-server || true)}
CLK_TCK=$(getconf CLK_TCK)
for tool in redis-benchmark redis-cli taskset python3; do
  command -v $tool >/dev/null || { echo "latency: $tool is missing" >&2; exit 2; }
done
[[ -x $SUBJECT ]] || { echo "latency: $SUBJECT is not built" >&2; exit 2; }
[[ -x $REDIS ]] || { echo "latency: redis-server not found" >&2; exit 2; }

BENCH_NAME=latency
# shellcheck source=bench/lib.sh
source bench/lib.sh

declare -A PORT PID
# start LABEL BINARY ARGS...
start() {
  local label=$1 bin=$2 port
  shift 2
  port=$(free_port)
  mkdir -p "$WORK/$label"
  taskset -c "$SERVER_CPU" "$bin" --port "$port" --bind 127.0.0.1 --dir "$WORK/$label" \
    --logfile "$WORK/$label/server.log" "$@" >/dev/null 2>&1 &
  PID[$label]=$!
  PIDS+=("$!")
  PORT[$label]=$port
  for _ in $(seq 200); do
    [[ $(redis-cli -p "$port" PING 2>/dev/null) == PONG ]] && break
    sleep 0.05
  done
  redis-benchmark -p "$port" -t set -n 10000 -r 10000 -q >/dev/null 2>&1
}

start redis "$REDIS" --save '' --appendonly no
start auto "$SUBJECT" --io-idle-nap auto
start nap "$SUBJECT" --io-idle-nap yes
start block "$SUBJECT" --io-idle-nap no

RAW=$WORK/raw.txt
: >"$RAW"
for round in $(seq "$ROUNDS"); do
  for c in $CONNECTIONS; do
    for label in redis auto nap block; do
      port=${PORT[$label]} pid=${PID[$label]}
      before=$(cpu_ticks "$pid")
      csv=$(taskset -c "$CLIENT_CPU" redis-benchmark -p "$port" -t get -n "$N" -c "$c" -P 1 -r 10000 --csv |
        tail -1)
      after=$(cpu_ticks "$pid")
      # "GET","rps","avg","min","p50","p95","p99","max"
      IFS=, read -r _ rps _ _ p50 _ p99 _ <<<"${csv//\"/}"
      echo "$label $c $rps $p50 $p99 $(( (after - before) * 1000000 / CLK_TCK )) $N" >>"$RAW"
    done
  done
  echo "latency: round $round of $ROUNDS done" >&2
done

python3 - "$RAW" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, c, rps, p50, p99, cpu_us, n = line.split()
    rows.setdefault((label, int(c)), []).append((float(rps), float(p50), float(p99), int(cpu_us) / int(n)))
print("GET -P 1: median of %d rounds" % len(next(iter(rows.values()))))
print("%-22s %5s %12s %9s %9s %12s" % ("server", "-c", "req/s", "p50 ms", "p99 ms", "CPU us/req"))
names = {"redis": "redis-server", "auto": "codis io-idle-nap auto", "nap": "codis io-idle-nap yes",
         "block": "codis io-idle-nap no"}
for (label, c) in sorted(rows, key=lambda k: (k[1], list(names).index(k[0]))):
    v = rows[(label, c)]
    med = [statistics.median(x[i] for x in v) for i in range(4)]
    print("%-22s %5d %12.0f %9.3f %9.3f %12.2f" % (names[label], c, med[0], med[1], med[2], med[3]))
    print("bench.latency server=%s c=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f cpu_us_per_req=%.2f"
          % (label, c, *med), file=sys.stderr)
PY
