#!/usr/bin/env bash
# codis-proxy against nutcracker (twemproxy) over the same codis-servers, and against the backend direct.
#   Setup, for 1 and for 2 backends: codis-servers in plain mode (--cluster-mode no, --save ''); nutcracker from a
#   generated YAML (redis: true, hash fnv1a_64, distribution ketama, server_connections: 1, every backend with
#   weight 1); codis-proxy from a generated routing file (the 1024 slots split evenly between the backends, one
#   group each), `--threads BENCH_PROXY_THREADS` (1 by default: the same single CPU as nutcracker); with 1 backend
#   the backend direct is the ceiling.
#   Load: redis-benchmark -c BENCH_CLIENTS -n N -r 100000 --csv, one test per run (get,set,mset,lpush,lrange_100), in
#   three passes: -P 1, -P 16, and -P 16 with -d 1024 (BENCH_PASSES). lrange_100 runs `LRANGE mylist 0 99` alone
#   (not redis-benchmark's own LPUSH phase). Before each pass every backend is flushed and given, directly, the
#   keys key:000000000000..key:000000099999 with values of the pass's size, so GETs hit whatever backend a proxy
#   routes a key to; before each lpush and lrange_100 run mylist is reset to 100 values of that size.
#   Figures per (target, backends, test, pipeline, size): req/s, and requests per CPU-second of the proxy process
#   (utime+stime from /proc/PID/stat before and after the run; for the direct row the server's), with the
#   backends' own req/CPU-s and redis-benchmark's busy share beside. Then the mean round trip at -c 1 -P 1
#   (redis-benchmark -c 1 -n BENCH_LATENCY_REQUESTS -t get --csv: avg_latency_ms, or 1e6/rps from clients
#   without it) and the proxy's minus the backend direct's; and the proxy's RSS (/proc/PID/status VmRSS) when
#   started, with BENCH_IDLE_CLIENTS (1,000) idle clients connected (bench/proxy/idle_clients.py, on a fresh
#   proxy, each client having had its PING answered), and after the load runs.
#   A test a target does not support (an error reply, or nutcracker closing the connection: redis-benchmark
#   stops) is reported n/a. nutcracker 0.5.0 runs all five default tests (in redis mode it splits MSET per
#   server); it refuses inline commands (ping_inline) and CONFIG (redis-benchmark then warns it could not fetch
#   the server's CONFIG, as it does with codis-proxy: harmless).
# Targets (codis-proxy; `bench.proxy target missed: ...` lines, BENCH_ENFORCE=1 exits 1 on a miss): requests per
# CPU-second >= 2.6x nutcracker's at -P 16 and >= 1.2x at -P 1; req/s at -P 16 with 1 backend >= 0.85x the
# backend direct; added mean round trip at -c 1 -P 1 <= 15 us; RSS < 20 MB with 1,000 idle clients.
# CPUs: the backends on BENCH_BACKEND_CPU (0), redis-benchmark on BENCH_CLIENT_CPU (1), both proxies on
# BENCH_PROXY_CPU: 2 when the machine has 3 or more cores, else 0. On 2 cores the proxy thus shares core 0 with the
# backends: requests per CPU-second are unaffected, but a proxied run's req/s is then the proxy and the backend
# taking turns on one core, so the codis/direct req/s target (which wants the proxy on a core of its own) cannot
# be met there. With BENCH_PROXY_THREADS > 1 give BENCH_PROXY_CPU a list (taskset -c syntax, e.g. 2,3).
#
# Usage: bench/proxy/bench.sh [quick]           (ci/bench.sh proxy [quick] builds codis-proxy and codis-server first)
#   quick: -n 100000 instead of 1000000. A full run is long: lrange_100 at -d 1024 moves 100 KB per request.
# Environment:
#   CODIS_PROXY (build/src/proxy/codis-proxy), CODIS_SERVER (build/src/server/codis-server),
#   NUTCRACKER (`command -v nutcracker`; apt-get install nutcracker)
#   BENCH_REQUESTS (1000000; quick 100000), BENCH_CLIENTS (50), BENCH_TESTS (get,set,mset,lpush,lrange_100),
#   BENCH_TARGETS ("direct nutcracker codis"; direct runs with 1 backend only), BENCH_BACKENDS ("1 2"),
#   BENCH_PASSES ("1:3 16:3 16:1024": pipeline:value-size pairs), BENCH_PROXY_THREADS (1),
#   BENCH_ROUNDS (1: each figure is the median of that many runs; the targets' order rotates between runs),
#   BENCH_LATENCY_REQUESTS (20000), BENCH_IDLE_CLIENTS (1000),
#   BENCH_BACKEND_CPU (0), BENCH_PROXY_CPU (2 on 3+ cores, else 0), BENCH_CLIENT_CPU (1),
#   BENCH_KEEP_WORK=1 (keep the work directory: configs, logs, raw figures), BENCH_ENFORCE=1
# Output: the tables and `bench.proxy ...` summary lines on stdout, also saved in bench/proxy/results/latest.txt
# (ignored by git). Every process started here is killed by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

MODE=${1:-full}
case $MODE in
  quick) N=${BENCH_REQUESTS:-100000} ;;
  full) N=${BENCH_REQUESTS:-1000000} ;;
  *) echo "usage: $0 [quick]" >&2; exit 2 ;;
esac
CLIENTS=${BENCH_CLIENTS:-50}
TESTS=${BENCH_TESTS:-get,set,mset,lpush,lrange_100}
TARGETS=${BENCH_TARGETS:-direct nutcracker codis}
BACKENDS=${BENCH_BACKENDS:-1 2}
PASSES=${BENCH_PASSES:-1:3 16:3 16:1024}
THREADS=${BENCH_PROXY_THREADS:-1}
ROUNDS=${BENCH_ROUNDS:-1}
LAT_N=${BENCH_LATENCY_REQUESTS:-20000}
IDLE_CLIENTS=${BENCH_IDLE_CLIENTS:-1000}
KEYSPACE=100000  # redis-benchmark -r
BACKEND_CPU=${BENCH_BACKEND_CPU:-0}
if (($(nproc) >= 3)); then PROXY_CPU=${BENCH_PROXY_CPU:-2}; else PROXY_CPU=${BENCH_PROXY_CPU:-0}; fi
CLIENT_CPU=${BENCH_CLIENT_CPU:-1}
PROXY=${CODIS_PROXY:-build/src/proxy/codis-proxy}
SERVER=${CODIS_SERVER:-build/src/server/codis-server}
NUT=${NUTCRACKER:-$(command -v nutcracker || true)}
CLK_TCK=$(getconf CLK_TCK)
ENFORCE=()
[[ ${BENCH_ENFORCE:-0} == 1 ]] && ENFORCE=(--enforce)

for tool in redis-benchmark redis-cli taskset python3; do
  command -v $tool >/dev/null || { echo "bench: $tool is missing (apt-get install redis-tools util-linux python3)" >&2; exit 2; }
done
[[ -x $SERVER ]] || { echo "bench: $SERVER is not built (ci/bench.sh proxy builds it, or set CODIS_SERVER)" >&2; exit 2; }
if [[ " $TARGETS " == *" codis "* && ! -x $PROXY ]]; then
  echo "bench: $PROXY is not built (ci/bench.sh proxy builds it, or set CODIS_PROXY)" >&2
  exit 2
fi
if [[ " $TARGETS " == *" nutcracker "* && ! -x $NUT ]]; then
  echo "bench: nutcracker not found (apt-get install nutcracker, or set NUTCRACKER)" >&2
  exit 2
fi

BENCH_NAME=proxy
# shellcheck source=bench/lib.sh
source bench/lib.sh
declare -A PORT  # target -> port clients connect to
declare -A PID   # target -> the process whose CPU is measured
BACKEND_PORTS=() # of the running backends
BACKEND_PIDS=()

# start NAME CPU PORT COMMAND...: starts COMMAND pinned to CPU, waits for PING on PORT; sets STARTED (its pid:
# taskset execs the command, so the pid is the measured process's).
start() {
  local name=$1 cpu=$2 port=$3
  shift 3
  taskset -c "$cpu" "$@" >"$WORK/$name.out" 2>&1 &
  STARTED=$!
  PIDS+=("$STARTED")
  for _ in $(seq 200); do
    if [[ $(redis-cli -p "$port" PING 2>/dev/null) == PONG ]]; then
      echo "bench: $name: $1 (pid $STARTED, port $port, CPU $cpu)"
      return 0
    fi
    kill -0 "$STARTED" 2>/dev/null || break
    sleep 0.05
  done
  echo "bench: $name ($1) did not start:" >&2
  tail -20 "$WORK/$name.out" "$WORK/$name.log" >&2 2>/dev/null || true
  exit 1
}

# start_setup B: B backends, and over them nutcracker and codis-proxy (those of TARGETS); fills PORT and PID.
# Their files in WORK start with b<B>-.
start_setup() {
  local b=$1 i port dir groups="" slots="" servers="" lo hi w=$WORK/b$1
  BACKEND_PORTS=()
  BACKEND_PIDS=()
  for i in $(seq "$b"); do
    port=$(free_port)
    dir=$w-backend$i
    mkdir -p "$dir"
    start "b$b-backend$i" "$BACKEND_CPU" "$port" "$SERVER" --port "$port" --bind 127.0.0.1 --cluster-mode no \
      --save '' --dir "$dir" --logfile "$dir.log"
    BACKEND_PORTS+=("$port")
    BACKEND_PIDS+=("$STARTED")
    lo=$(((i - 1) * 1024 / b))
    hi=$((i * 1024 / b - 1))
    groups+="${groups:+,}{\"id\":$i,\"master\":\"127.0.0.1:$port\"}"
    slots+="${slots:+,}{\"range\":[$lo,$hi],\"group\":$i}"
    servers+="    - 127.0.0.1:$port:1 backend$i"$'\n'
  done
  PORT[direct]=${BACKEND_PORTS[0]}
  PID[direct]=${BACKEND_PIDS[0]}
  if [[ " $TARGETS " == *" nutcracker "* ]]; then
    port=$(free_port)
    cat >"$w-nutcracker.yml" <<EOF
bench:
  listen: 127.0.0.1:$port
  redis: true
  hash: fnv1a_64
  distribution: ketama
  server_connections: 1
  preconnect: true
  auto_eject_hosts: false
  backlog: 1024
  servers:
$servers
EOF
    start "b$b-nutcracker" "$PROXY_CPU" "$port" "$NUT" -c "$w-nutcracker.yml" -s "$(free_port)" -a 127.0.0.1 \
      -o "$w-nutcracker.log" -p "$w-nutcracker.pid"
    PORT[nutcracker]=$port
    PID[nutcracker]=$STARTED
  fi
  if [[ " $TARGETS " == *" codis "* ]]; then
    port=$(free_port)
    echo "{\"epoch\":1,\"groups\":[$groups],\"slots\":[$slots]}" >"$w-slots.json"
    start "b$b-codis-proxy" "$PROXY_CPU" "$port" "$PROXY" --slots "$w-slots.json" --listen "127.0.0.1:$port" \
      --threads "$THREADS" --admin "" --logfile "$w-codis-proxy.log"
    PORT[codis]=$port
    PID[codis]=$STARTED
  fi
}

stop_setup() {
  local pid
  for pid in ${PID[codis]:-} ${PID[nutcracker]:-} "${BACKEND_PIDS[@]}"; do stop_pid "$pid"; done
  unset 'PID[codis]' 'PID[nutcracker]'
}

# targets_for B: the targets that run with B backends (the backend direct with 1 only).
targets_for() {
  local t
  for t in $TARGETS; do
    [[ $t == direct && $1 != 1 ]] || echo "$t"
  done
}

# pipe_to_backends FILL-ARGS...: sends fill.py's RESP to every backend directly.
pipe_to_backends() {
  local port out
  for port in "${BACKEND_PORTS[@]}"; do
    out=$(python3 bench/proxy/fill.py "$@" | redis-cli -p "$port" --pipe 2>&1 | tail -1) || true
    [[ $out == *"errors: 0"* ]] || { echo "bench: fill.py $* into :$port failed: $out" >&2; exit 1; }
  done
}

flush_and_fill() {
  local port
  for port in "${BACKEND_PORTS[@]}"; do redis-cli -p "$port" FLUSHALL >/dev/null; done
  pipe_to_backends keys "$KEYSPACE" "$1"
}

backend_ticks() {
  local pid sum=0
  for pid in "${BACKEND_PIDS[@]}"; do sum=$((sum + $(cpu_ticks "$pid"))); done
  echo "$sum"
}

rss() { awk '$1 == "VmRSS:" {print $2 * 1024}' "/proc/$1/status"; }

# run_test TARGET B TEST PIPELINE SIZE: one redis-benchmark run; appends a "run" line to the raw figures.
run_test() {
  local target=$1 b=$2 test=$3 pipe=$4 size=$5 s0 s1 b0 b1 rc rps client why
  local port=${PORT[$target]} pid=${PID[$target]}
  local what=(-t "$test")
  if [[ $test == lpush || $test == lrange_100 ]]; then pipe_to_backends list "$size"; fi
  [[ $test == lrange_100 ]] && what=(LRANGE mylist 0 99)
  s0=$(cpu_ticks "$pid")
  b0=$(backend_ticks)
  # bash's time keyword: the client's own user+system CPU and the run's wall time (is the client the limit?).
  local TIMEFORMAT='%3U %3S %3R'
  rc=0
  { time taskset -c "$CLIENT_CPU" redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" -P "$pipe" -n "$N" \
      -r "$KEYSPACE" -d "$size" --csv "${what[@]}" >"$WORK/bench.out" 2>&1; } 2>"$WORK/client.time" || rc=$?
  s1=$(cpu_ticks "$pid")
  b1=$(backend_ticks)
  client=$(awk 'NF == 3 {printf "%.3f %.3f", $1 + $2, $3}' "$WORK/client.time")
  [[ -n $client ]] || client="0 0"
  rps=$(awk -F'","' 'NF >= 2 && $2 + 0 > 0 {r = $2 + 0} END {print r}' "$WORK/bench.out")
  if [[ $rc != 0 || -z $rps ]]; then
    why=$(grep -v -e WARNING -e '^"test"' "$WORK/bench.out" | tail -2 | tr '\n' ' ') || true
    echo "bench: $target B=$b $test -P $pipe -d $size: n/a: ${why:-no result (not a redis-benchmark -t test?)}" >&2
    rps=ERR
  fi
  echo "run $target $b $test $pipe $size $N $rps $((s1 - s0)) $((b1 - b0)) $client" >>"$WORK/raw.txt"
  printf '  %-10s B=%s %-10s P=%-3s d=%-5s %12s req/s  %6.2f CPU-s\n' "$target" "$b" "$test" "$pipe" "$size" "$rps" \
    "$(awk -v t=$((s1 - s0)) -v c="$CLK_TCK" 'BEGIN{print t / c}')"
}

# latency_test TARGET B: GET at -c 1 -P 1; appends a "lat" line (rps and redis-benchmark's avg_latency_ms).
latency_test() {
  local target=$1 b=$2 out line
  out=$(taskset -c "$CLIENT_CPU" redis-benchmark -h 127.0.0.1 -p "${PORT[$target]}" -c 1 -P 1 -n "$LAT_N" \
    -r "$KEYSPACE" -t get --csv 2>&1) || true
  # "GET","rps","avg_latency_ms",...: the avg column exists from redis-benchmark 7 on.
  line=$(awk -F'","' '$1 == "\"GET" && $2 + 0 > 0 {print $2 + 0, (NF >= 3 && $3 + 0 > 0 ? $3 + 0 : "-")}' <<<"$out")
  if [[ -z $line ]]; then
    echo "bench: $target B=$b latency: n/a: $(tail -2 <<<"$out" | tr '\n' ' ')" >&2
    line="ERR -"
  fi
  echo "lat $target $b $line" >>"$WORK/raw.txt"
  echo "  $target B=$b -c 1 GET: $line (req/s, mean ms)"
}

# idle_test TARGET B: RSS before and with IDLE_CLIENTS idle clients.
idle_test() {
  local target=$1 b=$2 out
  out=$(taskset -c "$CLIENT_CPU" python3 bench/proxy/idle_clients.py "${PORT[$target]}" "$IDLE_CLIENTS" \
    "${PID[$target]}")
  echo "idle $target $b $out $IDLE_CLIENTS" >>"$WORK/raw.txt"
  echo "  $target B=$b RSS started / with $IDLE_CLIENTS idle clients / clients answered: $out"
}

echo "bench: mode $MODE, -n $N, -c $CLIENTS, $ROUNDS round(s), tests $TESTS, passes (P:d) $PASSES, backends $BACKENDS," \
  "targets $TARGETS, proxy threads $THREADS; CPUs: backends $BACKEND_CPU, proxies $PROXY_CPU, client $CLIENT_CPU"
: >"$WORK/raw.txt"
for b in $BACKENDS; do
  echo "bench: $b backend(s)"
  start_setup "$b"
  mapfile -t targets < <(targets_for "$b")
  proxies=()
  for t in "${targets[@]}"; do [[ $t == direct ]] || proxies+=("$t"); done
  # Memory first, on fresh proxies; then the round trip, on a quiet machine.
  for t in "${proxies[@]}"; do idle_test "$t" "$b"; done
  flush_and_fill 3
  for _ in $(seq "$ROUNDS"); do
    for t in "${targets[@]}"; do latency_test "$t" "$b"; done
  done
  k=0
  for pass in $PASSES; do
    pipe=${pass%%:*}
    size=${pass##*:}
    flush_and_fill "$size"
    for test in ${TESTS//,/ }; do
      for _ in $(seq "$ROUNDS"); do
        # The targets take turns going first, so a drift of the machine's speed hits them all alike.
        order=("${targets[@]:k % ${#targets[@]}}" "${targets[@]:0:k % ${#targets[@]}}")
        k=$((k + 1))
        for t in "${order[@]}"; do run_test "$t" "$b" "$test" "$pipe" "$size"; done
      done
    done
  done
  for t in "${proxies[@]}"; do echo "after $t $b $(rss "${PID[$t]}")" >>"$WORK/raw.txt"; done
  stop_setup
done

mkdir -p bench/proxy/results
{
  echo "bench.proxy mode=$MODE requests=$N clients=$CLIENTS rounds=$ROUNDS passes=${PASSES// /,} proxy_threads=$THREADS" \
    "cpus=backends:$BACKEND_CPU,proxies:$PROXY_CPU,client:$CLIENT_CPU date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "commit=$(git rev-parse --short HEAD 2>/dev/null || echo none) codis_proxy=$PROXY codis_server=$SERVER" \
    "nutcracker=${NUT:-none} nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)"
  python3 bench/proxy/report.py "$WORK/raw.txt" "$CLK_TCK" "${ENFORCE[@]}"
} | tee bench/proxy/results/latest.txt
status=${PIPESTATUS[0]}
[[ ${BENCH_KEEP_WORK:-0} == 1 ]] && cp "$WORK/raw.txt" bench/proxy/results/raw.txt
exit "$status"
