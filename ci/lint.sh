#!/usr/bin/env bash
# Determinism lint (sim-and-style.md a.6): product and simulator code must not reach real clocks,
# threads, OS randomness, sleeps, the environment, <random> distributions, Boost.Asio, or the allocator's
# and the process's state (malloc_usable_size, mallinfo, getrusage, /proc, printed addresses: rt::Memory
# has them); only the real runtime (src/rt/asio/) and program entry points (main.cc, *_main.cc) may.
# Usage: ci/lint.sh [root]
# (default: the repo root). Prints file:line: rule for each violation; exits 1 if there is any.
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
# -S: no site packages needed (and their start-up costs more than the lint itself).
exec python3 -S - "$root" <<'PY'
import os
import re
import sys

root = sys.argv[1]
SCAN = ("src", "sim")
EXCLUDED_DIRS = ("src/rt/asio/",)
EXTENSIONS = (".h", ".hh", ".hpp", ".hxx", ".ipp", ".inc", ".cc", ".cpp", ".cxx", ".c")

# (rule, regex) applied to code with comments and string/char literals blanked out.
RULES = [
    ("real clock (std::chrono::*_clock::now)",
     r"\b(?:steady|system|high_resolution|utc|tai|gps|file)_clock\s*::\s*now\b"),
    ("std::random_device", r"\brandom_device\b"),
    ("std::thread / std::jthread", r"\bstd\s*::\s*j?thread\b"),
    ("rand() / srand()", r"(?<![\w.>:])s?rand\s*\(|(?<![\w])(?:std\s*)?::\s*s?rand\s*\("),
    ("wall clock time()", r"\btime\s*\(\s*(?:nullptr|NULL|0)\s*\)|(?<![\w])(?:std\s*)?::\s*time\s*\("),
    ("sleep / usleep / nanosleep", r"(?<![\w.>:])(?:::\s*)?u?sleep\s*\(|\bnanosleep\b"),
    ("std::this_thread", r"\bthis_thread\b"),
    ("getenv", r"\b(?:secure_)?getenv\b"),
    ("<random> distribution",
     r"\b(?:uniform_int|uniform_real|bernoulli|binomial|negative_binomial|geometric|poisson|exponential"
     r"|gamma|weibull|extreme_value|normal|lognormal|chi_squared|cauchy|fisher_f|student_t|discrete"
     r"|piecewise_constant|piecewise_linear)_distribution\b|\bgenerate_canonical\b"),
    ("gettimeofday / clock_gettime", r"\b(?:gettimeofday|clock_gettime)\b"),
    ("allocator or process state (use rt::Memory)",
     r"\b(?:malloc_usable_size|malloc_size|mallinfo2?|malloc_trim|malloc_stats|malloc_info|mallctl"
     r"|getrusage|sbrk)\b"),
]
# Rules for the text of string literals: an address printed with %p, a path under /proc.
LITERAL_RULES = [
    ("printed address %p (use rt::Memory::address)", re.compile(r"(?<!%)%[-+#0]*\d*p")),
    ("/proc (use rt::Memory or the runtime)", re.compile(r"/proc/")),
]
ANY_RULE = re.compile("|".join("(?:%s)" % rx for _, rx in RULES))
RULES = [(name, re.compile(rx)) for name, rx in RULES]
INCLUDE = re.compile(r"^\s*#\s*include\b")
ASIO_INCLUDE = re.compile(r"#\s*include\s*[<\"]boost/asio")


# Comments, string and character literals (raw strings too). Digit separators (1'000) may look like
# character literals; blanking them is harmless.
TOKEN = re.compile(
    r"//[^\n]*"
    r"|/\*.*?(?:\*/|\Z)"
    r"|(?<![\w])R\"([^()\\ \n]{0,16})\(.*?\)\1\""
    r"|\"(?:\\.|[^\"\\\n])*\"?"
    r"|'(?:\\.|[^'\\\n])*'?",
    re.S)


def blank_comments_and_literals(text):
    """Returns text of the same shape (same line breaks) with comments and literals blanked out."""
    return TOKEN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def excluded(rel):
    base = os.path.basename(rel)
    return rel.startswith(EXCLUDED_DIRS) or base == "main.cc" or base.endswith("_main.cc")


violations = 0
for top in SCAN:
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if not name.endswith(EXTENSIONS) or excluded(rel):
                continue
            with open(path, encoding="utf-8", errors="replace") as f:
                original = f.read()
            code = blank_comments_and_literals(original)
            raw = original.split("\n")
            lines = code.split("\n")
            # One pass over the file finds candidate lines; only those are checked rule by rule.
            candidates = {code.count("\n", 0, m.start()) for m in ANY_RULE.finditer(code)}
            candidates |= {i for i, line in enumerate(lines) if INCLUDE.match(line) and ASIO_INCLUDE.search(raw[i])}
            found = []
            for i in sorted(candidates):
                hits = [rule for rule, rx in RULES if rx.search(lines[i])]
                if INCLUDE.match(lines[i]) and ASIO_INCLUDE.search(raw[i]):
                    hits.append("#include <boost/asio...>")
                found += [(i, rule) for rule in hits]
            if "%" in original or "/proc/" in original:
                for m in TOKEN.finditer(original):
                    text = m.group(0)
                    if not (text.startswith('"') or text.startswith('R"')):
                        continue  # comments and character literals
                    for rule, rx in LITERAL_RULES:
                        lit = rx.search(text)
                        if lit:
                            found.append((original.count("\n", 0, m.start() + lit.start()), rule))
            for i, rule in sorted(found):
                print(f"{rel}:{i + 1}: {rule}")
                violations += 1
if violations:
    print(f"lint: {violations} determinism violation(s); use rt::Env (Clock, Executor, Random, Net, Disk, Memory) "
          "instead, or move the code under src/rt/asio/ or into a main file", file=sys.stderr)
    sys.exit(1)
PY
