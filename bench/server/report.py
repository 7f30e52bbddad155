#!/usr/bin/env python3
"""Turns bench.sh's raw figures into the table and the machine-readable summary.

Input lines (whitespace separated):
  run <label> <test> <pipeline> <requests> <rps|ERR> <cpu_ticks> [<client_cpu_s> <client_wall_s>]
  mem <label> <keys> <used_memory|ERR> <rss_bytes>
Labels are "redis" and "codis"; a (label, test, pipeline) may have several rounds, reported by their median
(ratios: the median of the per-round ratios). Prints the throughput table, the client table (how busy the
single-threaded redis-benchmark was and its CPU per request: a client near 100% busy that spends the same
per request against both servers sets the pace, whatever the servers cost), the memory table, then one
`bench.server ...` line per figure; exits 1 when a figure is missing and, with --enforce, when a target of
issue 3 is missed (codis >= 1.0x redis req/s and req/CPU-s on every test; used_memory <= 1.1x).
Usage: report.py RAW CLK_TCK [--enforce]
"""
import statistics
import sys


def ratio(a, b):
    return b / a if a and b is not None and a > 0 else None


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def combine(rounds_r, rounds_c):
    """Median figures per server, and the median of the per-round ratios: the two servers of a round ran
    back to back, so a round's ratio is less exposed to the machine's drift than a ratio of medians."""
    r = tuple(median([x[i] for x in rounds_r]) for i in range(3)) if rounds_r else (None, None, 0)
    c = tuple(median([x[i] for x in rounds_c]) for i in range(3)) if rounds_c else (None, None, 0)
    pairs = list(zip(rounds_r, rounds_c))
    rr = median([ratio(a[0], b[0]) for a, b in pairs])
    cr = median([ratio(a[1], b[1]) for a, b in pairs])
    return r, c, rr, cr


def fmt(x, digits=0):
    if x is None:
        return "n/a"
    return f"{x:,.{digits}f}"


def main() -> int:
    raw, clk_tck = sys.argv[1], int(sys.argv[2])
    enforce = "--enforce" in sys.argv[3:]
    runs, mem, order, clients = {}, {}, [], {}
    for line in open(raw):
        f = line.split()
        if not f:
            continue
        if f[0] == "run":
            _, label, test, pipe, requests, rps, ticks = f[:7]
            key = (test, int(pipe))
            if key not in order:
                order.append(key)
            cpu = int(ticks) / clk_tck
            rps_v = None if rps == "ERR" else float(rps)
            per_cpu = int(requests) / cpu if rps_v is not None and cpu > 0 else None
            runs.setdefault((label,) + key, []).append((rps_v, per_cpu, cpu))
            if len(f) >= 9 and float(f[8]) > 0:
                ccpu, cwall = float(f[7]), float(f[8])
                clients.setdefault((label,) + key, []).append((ccpu / cwall, ccpu / int(requests) * 1e6))
        elif f[0] == "mem":
            _, label, keys, used, rss = f
            # A server that reports used_memory 0 does not track it: a missing figure, not a win.
            mem[label] = (int(keys), None if used == "ERR" or int(used) == 0 else int(used), int(rss))

    ok, missed = True, []
    head = f"{'test':<11}{'P':>3}{'redis req/s':>14}{'codis req/s':>14}{'ratio':>7}" \
           f"{'redis req/CPU-s':>17}{'codis req/CPU-s':>17}{'ratio':>7}{'redis CPU-s':>13}{'codis CPU-s':>13}"
    rounds = max((len(v) for v in runs.values()), default=0)
    print(f"median of {rounds} round(s) per figure; ratio = median of the per-round codis/redis ratios")
    print(head)
    print("-" * len(head))
    summary = []
    for test, pipe in order:
        r, c, rr, cr = combine(runs.get(("redis", test, pipe), []), runs.get(("codis", test, pipe), []))
        print(f"{test:<11}{pipe:>3}{fmt(r[0]):>14}{fmt(c[0]):>14}{fmt(rr, 2):>7}"
              f"{fmt(r[1]):>17}{fmt(c[1]):>17}{fmt(cr, 2):>7}{fmt(r[2], 2):>13}{fmt(c[2], 2):>13}")
        summary.append(f"bench.server test={test} pipeline={pipe} redis_rps={fmt(r[0]).replace(',', '')} "
                       f"codis_rps={fmt(c[0]).replace(',', '')} rps_ratio={fmt(rr, 3)} "
                       f"redis_req_per_cpu_s={fmt(r[1]).replace(',', '')} "
                       f"codis_req_per_cpu_s={fmt(c[1]).replace(',', '')} cpu_ratio={fmt(cr, 3)}")
        if r[0] is None or c[0] is None:
            ok = False
        for name, x in (("req/s", rr), ("req/CPU-s", cr)):
            if x is None or x < 1.0:
                missed.append(f"{test} P={pipe} {name} ratio {fmt(x, 2)} < 1.0")

    if clients:
        print()
        print("client: redis-benchmark's CPU share of its run and its CPU microseconds per request (medians)")
        chead = f"{'test':<11}{'P':>3}{'busy vs redis':>15}{'busy vs codis':>15}{'us/req vs redis':>17}" \
                f"{'us/req vs codis':>17}"
        print(chead)
        print("-" * len(chead))
        for test, pipe in order:
            cr = clients.get(("redis", test, pipe), [])
            cc = clients.get(("codis", test, pipe), [])
            busy_r, busy_c = median([x[0] for x in cr]), median([x[0] for x in cc])
            us_r, us_c = median([x[1] for x in cr]), median([x[1] for x in cc])
            pct = lambda x: "n/a" if x is None else f"{100 * x:.0f}%"
            print(f"{test:<11}{pipe:>3}{pct(busy_r):>15}{pct(busy_c):>15}{fmt(us_r, 2):>17}{fmt(us_c, 2):>17}")
            summary.append(f"bench.server client test={test} pipeline={pipe} busy_vs_redis={fmt(busy_r, 3)} "
                           f"busy_vs_codis={fmt(busy_c, 3)} us_per_req_vs_redis={fmt(us_r, 3)} "
                           f"us_per_req_vs_codis={fmt(us_c, 3)}")

    if mem:
        print()
        print(f"{'memory':<24}{'redis':>16}{'codis':>16}{'ratio':>8}")
        r = mem.get("redis", (0, None, 0))
        c = mem.get("codis", (0, None, 0))
        used_ratio = ratio(r[1], c[1])
        rss_ratio = ratio(r[2], c[2])
        print(f"{'keys loaded':<24}{r[0]:>16,}{c[0]:>16,}")
        print(f"{'used_memory (bytes)':<24}{fmt(r[1]):>16}{fmt(c[1]):>16}{fmt(used_ratio, 3):>8}")
        print(f"{'RSS (bytes)':<24}{fmt(r[2]):>16}{fmt(c[2]):>16}{fmt(rss_ratio, 3):>8}")
        summary.append(f"bench.server memory keys={r[0]} redis_used_memory={fmt(r[1]).replace(',', '')} "
                       f"codis_used_memory={fmt(c[1]).replace(',', '')} "
                       f"used_ratio={fmt(used_ratio, 3)} redis_rss={r[2]} codis_rss={c[2]} "
                       f"rss_ratio={fmt(rss_ratio, 3)}")
        if r[1] is None or c[1] is None or r[0] != c[0]:
            ok = False
        if used_ratio is None or used_ratio > 1.1:
            missed.append(f"used_memory ratio {fmt(used_ratio, 3)} > 1.1")

    print()
    for line in summary:
        print(line)
    if missed:
        print("bench.server targets missed: " + "; ".join(missed))
    else:
        print("bench.server targets met")
    if not ok:
        print("bench.server: some figures are missing (see the errors above)")
        return 1
    return 1 if enforce and missed else 0


if __name__ == "__main__":
    sys.exit(main())
