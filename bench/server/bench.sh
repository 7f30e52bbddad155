#!/usr/bin/env bash
# redis-server against codis-server, as issue 3's "Speed and memory" asks: redis-benchmark's
# set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100,mset at -c 50 with -P 1 and -P 16 (req/s, and requests
# per CPU-second of the server process from /proc/PID/stat utime+stime), then 1,000,000 keys with 32-byte
# values in each (INFO memory used_memory and RSS). Servers run pinned to one core with persistence off,
# the benchmark client pinned to another; tests alternate between the servers so load drifts hit both.
#
# Usage: bench/server/bench.sh [quick]          (ci/bench.sh builds codis-server first)
#   quick: -n 100000 instead of 1000000 (the memory test still loads 1,000,000 keys)
# Environment:
#   CODIS_SERVER=path      the subject (default build/src/server/codis-server; if missing, a second
#                          redis-server, which validates this script)
#   CODIS_SERVER_ARGS=...  extra subject arguments (default: --port/--bind/--dir/--logfile only)
#   REDIS_SERVER=path      the reference (default: redis-server on $PATH)
#   BENCH_TESTS, BENCH_PIPELINES ("1 16"), BENCH_REQUESTS, BENCH_MEMORY_KEYS (1000000),
#   BENCH_ROUNDS (3: each figure is the median of that many runs, see report.py),
#   BENCH_SERVER_CPU (0), BENCH_CLIENT_CPU (1), BENCH_ENFORCE=1 (exit 1 when a target is missed)
# Output: the table, the client table (redis-benchmark's own CPU share and CPU per request: a client
# near 100% busy sets the pace of both servers) and `bench.server ...` summary lines on stdout, also saved in
# bench/server/results/latest.txt (ignored by git). Every process started here is killed by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

MODE=${1:-full}
case $MODE in
  quick) N=${BENCH_REQUESTS:-100000} ;;
  full) N=${BENCH_REQUESTS:-1000000} ;;
  *) echo "usage: $0 [quick]" >&2; exit 2 ;;
esac
TESTS=${BENCH_TESTS:-set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100,mset}
PIPELINES=${BENCH_PIPELINES:-1 16}
MEM_KEYS=${BENCH_MEMORY_KEYS:-1000000}
ROUNDS=${BENCH_ROUNDS:-3}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
CLIENT_CPU=${BENCH_CLIENT_CPU:-1}
REDIS=${REDIS_SERVER:-$(command -v redis-server || true)}
CLK_TCK=$(getconf CLK_TCK)

for tool in redis-benchmark redis-cli taskset python3; do
  command -v $tool >/dev/null || { echo "bench: $tool is missing (apt-get install redis-tools util-linux python3)" >&2; exit 2; }
done
[[ -x $REDIS ]] || { echo "bench: redis-server not found (apt-get install redis-server)" >&2; exit 2; }

SUBJECT=${CODIS_SERVER:-build/src/server/codis-server}
SUBJECT_IS_REDIS=0
if [[ ! -x $SUBJECT ]]; then
  echo "bench: NOTE: $SUBJECT does not exist yet: benchmarking redis-server against itself to validate the script"
  SUBJECT=$REDIS
fi
[[ $(basename "$SUBJECT") == redis-server* ]] && SUBJECT_IS_REDIS=1

BENCH_NAME=server
# shellcheck source=bench/lib.sh
source bench/lib.sh
declare -A PORT  # label -> port
declare -A PID   # label -> server pid

# start_server LABEL BINARY: starts it pinned to SERVER_CPU; sets PORT[LABEL] and PID[LABEL].
start_server() {
  local label=$1 bin=$2 port dir pid args
  port=$(free_port)
  dir=$WORK/$label
  mkdir -p "$dir"
  if [[ $(basename "$bin") == redis-server* ]]; then
    args=(--port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$dir"
          --logfile "$dir/server.log")
  else
    # shellcheck disable=SC2206  # CODIS_SERVER_ARGS is a word list on purpose
    args=(--port "$port" --bind 127.0.0.1 --dir "$dir" --logfile "$dir/server.log" ${CODIS_SERVER_ARGS:-})
  fi
  taskset -c "$SERVER_CPU" "$bin" "${args[@]}" >"$dir/stdout.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  for _ in $(seq 200); do
    if [[ $(redis-cli -p "$port" PING 2>/dev/null) == PONG ]]; then
      PORT[$label]=$port
      PID[$label]=$pid
      echo "bench: $label: $bin (pid $pid, port $port, CPU $SERVER_CPU)"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "bench: $label ($bin) did not start:" >&2
  tail -20 "$dir/stdout.log" "$dir/server.log" >&2 2>/dev/null || true
  exit 1
}

stop_server() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# run_test LABEL TEST PIPELINE: one redis-benchmark run; appends a "run" line to the raw figures.
run_test() {
  local label=$1 test=$2 pipe=$3 before after out rps
  local port=${PORT[$label]} pid=${PID[$label]}
  local what=(-t "$test")
  if [[ $test == lrange_100 ]]; then
    # redis-benchmark -t lrange_100 first runs its own LPUSH phase; fill the list beforehand and time
    # only the LRANGE it sends ("LRANGE mylist 0 99"), so the CPU figure is LRANGE's alone.
    redis-benchmark -h 127.0.0.1 -p "$port" -c 50 -P 16 -n 10000 -t lpush -q >/dev/null 2>&1 || true
    what=(LRANGE mylist 0 99)
  fi
  before=$(cpu_ticks "$pid")
  # bash's time keyword: the client's own user+system CPU and the run's wall time, to show when the
  # single-threaded client rather than the server sets the pace.
  local TIMEFORMAT='%3U %3S %3R' client
  { time taskset -c "$CLIENT_CPU" redis-benchmark -h 127.0.0.1 -p "$port" -c 50 -P "$pipe" -n "$N" -r 100000 \
      --csv "${what[@]}" >"$WORK/bench.out" 2>&1; } 2>"$WORK/client.time" || true
  after=$(cpu_ticks "$pid")
  out=$(<"$WORK/bench.out")
  client=$(awk 'NF == 3 {printf "%.3f %.3f", $1 + $2, $3}' "$WORK/client.time")
  [[ -n $client ]] || client="0 0"
  rps=$(tail -1 <<<"$out" | awk -F'","' 'NF >= 2 && $2 + 0 > 0 {print $2 + 0}')
  if [[ -z $rps ]]; then
    echo "bench: $label $test -P $pipe failed: $(tail -3 <<<"$out" | tr '\n' ' ')" >&2
    rps=ERR
  fi
  echo "run $label $test $pipe $N $rps $((after - before)) $client" >>"$WORK/raw.txt"
  printf '  %-6s %-10s P=%-3s %12s req/s  %6.2f CPU-s\n' "$label" "$test" "$pipe" "$rps" \
    "$(awk -v t=$((after - before)) -v c="$CLK_TCK" 'BEGIN{print t / c}')"
}

# memory_test LABEL BINARY: a fresh server, MEM_KEYS keys with 32-byte values, used_memory and RSS.
memory_test() {
  local label=$1 bin=$2 loaded used rss
  start_server "$label" "$bin"
  local port=${PORT[$label]} pid=${PID[$label]}
  python3 bench/server/load_keys.py "$MEM_KEYS" 32 | redis-cli -p "$port" --pipe >"$WORK/$label.pipe" 2>&1 || true
  loaded=$(redis-cli -p "$port" DBSIZE 2>/dev/null || echo 0)
  [[ $loaded =~ ^[0-9]+$ ]] || loaded=0
  used=$(redis-cli -p "$port" INFO memory 2>/dev/null | tr -d '\r' | awk -F: '$1 == "used_memory" {print $2}')
  [[ -n $used ]] || used=ERR
  rss=$(awk '$1 == "VmRSS:" {print $2 * 1024}' "/proc/$pid/status")
  echo "mem $label $loaded $used $rss" >>"$WORK/raw.txt"
  echo "  $label: $loaded keys, used_memory $used, RSS $rss ($(tail -1 "$WORK/$label.pipe"))"
  stop_server "$pid"
}

echo "bench: mode $MODE, -n $N, $ROUNDS round(s), tests $TESTS, pipelines $PIPELINES, server CPU $SERVER_CPU, client CPU $CLIENT_CPU"
[[ $SUBJECT_IS_REDIS == 1 ]] && echo "bench: the 'codis' column is $SUBJECT (redis-server against itself)"
: >"$WORK/raw.txt"
start_server redis "$REDIS"
start_server codis "$SUBJECT"
for pipe in $PIPELINES; do
  for label in redis codis; do redis-cli -p "${PORT[$label]}" FLUSHALL >/dev/null; done
  for test in ${TESTS//,/ }; do
    for round in $(seq "$ROUNDS"); do
      # The servers take turns going first, so a drift of the machine's speed hits both alike.
      if ((round % 2)); then order=(redis codis); else order=(codis redis); fi
      for label in "${order[@]}"; do run_test "$label" "$test" "$pipe"; done
    done
  done
done
stop_server "${PID[redis]}"
stop_server "${PID[codis]}"

echo "bench: memory, $MEM_KEYS keys with 32-byte values"
memory_test redis "$REDIS"
memory_test codis "$SUBJECT"

mkdir -p bench/server/results
{
  echo "bench.server mode=$MODE requests=$N date=$(date -u +%Y-%m-%dT%H:%M:%SZ) commit=$(git rev-parse --short HEAD 2>/dev/null || echo none) redis=$REDIS codis=$SUBJECT nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)"
  python3 bench/server/report.py "$WORK/raw.txt" "$CLK_TCK" ${BENCH_ENFORCE:+--enforce}
} | tee bench/server/results/latest.txt
exit "${PIPESTATUS[0]}"
