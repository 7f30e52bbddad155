# Shared by the benchmark scripts (sourced, not run): a work directory, the processes a script starts and
# their cleanup on exit, free ports and CPU time from /proc. The caller sets BENCH_NAME first.
# shellcheck shell=bash

WORK=$(mktemp -d "/tmp/bench-${BENCH_NAME:?}-XXXXXX")
PIDS=()  # every process started here, killed on exit

# shellcheck disable=SC2317  # called by the trap
bench_cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ ${BENCH_KEEP_WORK:-0} == 1 ]]; then echo "$BENCH_NAME: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# stop_pid PID: TERM, then KILL after 5 s; forgets the pid (so the exit trap cannot hit a reused one).
stop_pid() {
  local pid=$1 p rest=()
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || rest+=("$p"); done
  PIDS=("${rest[@]}")
}

# cpu_ticks PID: user + system time of the process so far, in clock ticks.
cpu_ticks() {
  local stat
  [[ -r /proc/$1/stat ]] || { echo "$BENCH_NAME: process $1 has died (logs: BENCH_KEEP_WORK=1)" >&2; exit 1; }
  stat=$(<"/proc/$1/stat")
  stat=${stat##*) }
  awk '{print $12 + $13}' <<<"$stat"
}
