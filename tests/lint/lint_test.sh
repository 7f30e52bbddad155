#!/usr/bin/env bash
# ctest for ci/lint.sh: plants violations in a scratch tree and checks what the lint says about them,
# then runs it on the real tree. Usage: lint_test.sh <repo root>
set -uo pipefail
repo="$1"
lint="$repo/ci/lint.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0

expect() {  # expect pass|fail <description> [grep pattern the output must contain]
  local want="$1" what="$2" pattern="${3:-}"
  local out rc
  out="$("$lint" "$tmp" 2>&1)"
  rc=$?
  if [[ "$want" == pass && $rc -ne 0 ]] || [[ "$want" == fail && $rc -eq 0 ]]; then
    echo "FAIL: $what: expected the lint to $want (rc=$rc)"; echo "$out"; failures=$((failures + 1))
  elif [[ -n "$pattern" ]] && ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL: $what: output lacks /$pattern/"; echo "$out"; failures=$((failures + 1))
  fi
}
reset() { rm -rf "$tmp/src" "$tmp/sim"; mkdir -p "$tmp/src" "$tmp/sim"; }
plant() { mkdir -p "$(dirname "$tmp/$1")"; printf '%s\n' "$2" >"$tmp/$1"; }

reset
expect pass "empty tree"

plant src/foo.cc 'auto t = std::chrono::steady_clock::now();'
expect fail "steady_clock::now in src/" '^src/foo\.cc:1: real clock'

reset
plant src/rt/asio/foo.cc 'auto t = std::chrono::steady_clock::now();'
expect pass "the same line under src/rt/asio/"

reset
plant src/proxy/main.cc 'auto t = std::chrono::steady_clock::now();'
plant sim/codis_sim_main.cc 'auto t = std::chrono::system_clock::now();'
expect pass "main files"

reset
plant src/a.h '// never call std::chrono::steady_clock::now() or getenv here
const char* s = "sleep(1) and rand() in a string";
/* std::thread t; */'
expect pass "comments and string literals"

# One line per rule; each must be reported at its own line.
reset
plant sim/bad.cc 'std::random_device rd;
std::thread t(f);
std::jthread j(f);
int r = rand();
srand(42);
time_t now = time(nullptr);
auto w = ::time(0);
sleep(1);
usleep(10);
nanosleep(&ts, nullptr);
std::this_thread::yield();
const char* home = getenv("HOME");
#include <boost/asio.hpp>
std::uniform_int_distribution<int> d(0, 9);
gettimeofday(&tv, nullptr);
clock_gettime(CLOCK_MONOTONIC, &ts);
auto h = std::chrono::high_resolution_clock::now();'
out="$("$lint" "$tmp" 2>/dev/null)"
for n in $(seq 1 17); do
  if ! grep -q "^sim/bad\.cc:$n: " <<<"$out"; then echo "FAIL: line $n of sim/bad.cc not reported"; failures=$((failures + 1)); fi
done

# Allocator and process state (rt::Memory's job), one per line; string literals count here.
reset
plant src/server/bad.cc 'size_t n = malloc_usable_size(p);
struct mallinfo2 mi = mallinfo2();
mallinfo();
malloc_trim(0);
getrusage(RUSAGE_SELF, &ru);
std::snprintf(buf, n, "Value at:%p", p);
FILE* f = std::fopen("/proc/self/statm", "r");
auto s = R"(at %016p)";'
out="$("$lint" "$tmp" 2>/dev/null)"
for n in $(seq 1 8); do
  if ! grep -q "^src/server/bad\.cc:$n: " <<<"$out"; then echo "FAIL: line $n of src/server/bad.cc not reported"; failures=$((failures + 1)); fi
done
reset
plant src/rt/asio/memory.cc 'size_t n = malloc_usable_size(p); auto f = "/proc/self/statm %p";'
plant src/server/main.cc 'getrusage(RUSAGE_SELF, &ru);'
plant src/ok.cc '// malloc_usable_size and "/proc" in a comment, "%p" too
auto s = "100%%pure";
auto t = "50% p";
std::snprintf(buf, n, "%zu%%", x);'
expect pass "allocator calls in src/rt/asio/ and main files; look-alikes"

# Names that merely contain a forbidden word are fine.
reset
plant src/ok.cc 'co_await rt::sleep_for(ex, d);
co_await rt::sleep(ex, d);
auto x = random.uniform(0, 9);
MonoTime Scheduler::next_time() const;
uint64_t Random::rand();
int operand(int);
auto s = "srandmember";
auto t = clock.now();'
expect pass "look-alike names"

# The real tree passes.
if ! "$lint" "$repo"; then echo "FAIL: the repository has determinism violations (above)"; failures=$((failures + 1)); fi

if ((failures)); then echo "$failures failure(s)"; exit 1; fi
echo "lint_test: ok"
