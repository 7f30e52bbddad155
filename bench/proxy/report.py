#!/usr/bin/env python3
"""Turns bench/proxy/bench.sh's raw figures into its tables, `bench.proxy ...` summary lines and target checks.

Input lines (whitespace separated); targets are "direct" (the backend itself), "nutcracker" and "codis":
  run <target> <backends> <test> <pipeline> <size> <requests> <rps|ERR> <subject_ticks> <backend_ticks>
      <client_cpu_s> <client_wall_s>
        subject_ticks: utime+stime of the proxy process during the run (of the server for "direct");
        backend_ticks: of all the backends together (for "direct" the same server)
  lat <target> <backends> <rps|ERR> <avg_latency_ms|->     redis-benchmark -c 1 -P 1 -t get
  idle <target> <backends> <rss_before> <rss_with_idle_clients> <clients_answered> <clients_opened>
  after <target> <backends> <rss>
A figure with several rounds is their median; ratios are ratios of the medians.
Targets of the issue (codis-proxy): req per CPU-second >= 2.6x nutcracker's at -P 16 and >= 1.2x at -P 1 (every
test, size and backend count); req/s at -P 16 with 1 backend >= 0.85x the backend direct; added mean round trip
at -c 1 -P 1 <= 15 us; RSS < 20 MB (10^6 bytes) with the idle clients connected.
Exits 1 when a codis or direct figure is missing (a nutcracker n/a is reported as unsupported) and, with
--enforce, when a target is missed.
Usage: report.py RAW CLK_TCK [--enforce]
"""
import statistics
import sys

CPU_TARGET = {16: 2.6, 1: 1.2}  # codis/nutcracker requests per proxy CPU-second, by pipeline
DIRECT_TARGET = 0.85            # codis/direct req/s at -P 16, 1 backend
RTT_TARGET_US = 15.0            # added mean round trip, codis minus direct, -c 1 -P 1
RSS_TARGET = 20_000_000         # bytes, with the idle clients connected


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def ratio(num, den):
    return num / den if num is not None and den else None


def fmt(x, digits=0):
    return "n/a" if x is None else f"{x:,.{digits}f}"


def plain(x, digits=0):
    return "n/a" if x is None else f"{x:.{digits}f}"


def mb(x):
    return None if x is None else x / 1e6


def main() -> int:
    raw, clk_tck = sys.argv[1], int(sys.argv[2])
    enforce = "--enforce" in sys.argv[3:]
    runs, rows, lat, idle, after = {}, [], {}, {}, {}
    for line in open(raw):
        f = line.split()
        if not f:
            continue
        if f[0] == "run":
            target, b, test, pipe, size, requests, rps, subj, back, ccpu, cwall = f[1:12]
            row = (test, int(pipe), int(size), int(b))
            if row not in rows:
                rows.append(row)
            ok = rps != "ERR"
            s_cpu, b_cpu = int(subj) / clk_tck, int(back) / clk_tck
            runs.setdefault((target,) + row, []).append((
                float(rps) if ok else None,
                int(requests) / s_cpu if ok and s_cpu > 0 else None,
                int(requests) / b_cpu if ok and b_cpu > 0 else None,
                float(ccpu) / float(cwall) if ok and float(cwall) > 0 else None,
                ok))
        elif f[0] == "lat":
            target, b, rps, avg = f[1:5]
            us = None
            if rps != "ERR":
                us = float(avg) * 1000 if avg != "-" else 1e6 / float(rps)  # older clients: no avg column
            lat.setdefault((target, int(b)), []).append(us)
        elif f[0] == "idle":
            target, b, before, with_clients, answered, count = f[1:7]
            idle[(target, int(b))] = (int(before), int(with_clients), int(answered), int(count))
        elif f[0] == "after":
            after[(f[1], int(f[2]))] = int(f[3])

    def fig(target, row, i):
        return median([r[i] for r in runs.get((target,) + row, [])])

    ok, missed, unsupported, summary = True, [], [], []
    print("req/s: redis-benchmark's figure; /CPU-s: requests per CPU-second of the proxy process (of the server for "
          "direct); c/n: codis/nutcracker /CPU-s; c/d: codis/direct req/s (1 backend)")
    head = (f"{'test':<11}{'P':>4}{'d':>6}{'B':>3}{'direct req/s':>14}{'direct /CPU-s':>15}{'nutcr req/s':>13}"
            f"{'nutcr /CPU-s':>14}{'codis req/s':>13}{'codis /CPU-s':>14}{'c/n':>7}{'c/d':>7}")
    print(head)
    print("-" * len(head))
    for row in rows:
        test, pipe, size, b = row
        d = [fig("direct", row, i) for i in (0, 1)]
        n = [fig("nutcracker", row, i) for i in (0, 1)]
        c = [fig("codis", row, i) for i in (0, 1)]
        cn = ratio(c[1], n[1])
        cd = ratio(c[0], d[0])
        print(f"{test:<11}{pipe:>4}{size:>6}{b:>3}{fmt(d[0]):>14}{fmt(d[1]):>15}{fmt(n[0]):>13}{fmt(n[1]):>14}"
              f"{fmt(c[0]):>13}{fmt(c[1]):>14}{fmt(cn, 2):>7}{fmt(cd, 2):>7}")
        summary.append(
            f"bench.proxy test={test} pipeline={pipe} size={size} backends={b} "
            f"direct_rps={plain(d[0])} direct_req_per_cpu_s={plain(d[1])} "
            f"nutcracker_rps={plain(n[0])} nutcracker_req_per_cpu_s={plain(n[1])} "
            f"nutcracker_backend_req_per_cpu_s={plain(fig('nutcracker', row, 2))} "
            f"codis_rps={plain(c[0])} codis_req_per_cpu_s={plain(c[1])} "
            f"codis_backend_req_per_cpu_s={plain(fig('codis', row, 2))} "
            f"codis_vs_nutcracker_cpu={plain(cn, 3)} codis_vs_direct_rps={plain(cd, 3)}")
        for target in ("direct", "codis"):
            if any(not r[4] for r in runs.get((target,) + row, [])):
                ok = False
        if any(not r[4] for r in runs.get(("nutcracker",) + row, [])):
            unsupported.append(f"{test} P={pipe} d={size} B={b}")
        if pipe in CPU_TARGET and ("codis",) + row in runs and ("nutcracker",) + row in runs:
            if c[1] is None:
                missed.append(f"{test} P={pipe} d={size} B={b} codis req/CPU-s n/a")
            elif n[1] is None:
                pass  # nutcracker does not run the test (listed as unsupported): nothing to compare
            elif cn < CPU_TARGET[pipe]:
                missed.append(f"{test} P={pipe} d={size} B={b} codis/nutcracker req/CPU-s {cn:.2f} < {CPU_TARGET[pipe]}")
        if pipe == 16 and b == 1 and ("codis",) + row in runs and ("direct",) + row in runs:
            if cd is None or cd < DIRECT_TARGET:
                missed.append(f"{test} P={pipe} d={size} B=1 codis/direct req/s {fmt(cd, 2)} < {DIRECT_TARGET}")

    targets = [t for t in ("direct", "nutcracker", "codis") if any(k[0] == t for k in runs)]
    print()
    print("behind each target: the backends' requests per CPU-second (all of them: back /CPU-s) and redis-benchmark's "
          "CPU share of its run (client; near 100%, the client sets the pace)")
    short = {"direct": "direct", "nutcracker": "nutcr", "codis": "codis"}
    head = f"{'test':<11}{'P':>4}{'d':>6}{'B':>3}" + "".join(
        f"{short[t] + ' back /CPU-s':>19}{short[t] + ' client':>14}" for t in targets)
    print(head)
    print("-" * len(head))
    for row in rows:
        test, pipe, size, b = row
        line = f"{test:<11}{pipe:>4}{size:>6}{b:>3}"
        for t in targets:
            busy = fig(t, row, 3)
            line += f"{fmt(fig(t, row, 2)):>19}{'n/a' if busy is None else f'{100 * busy:.0f}%':>14}"
        print(line)

    if lat:
        print()
        print("mean round trip, redis-benchmark -c 1 -P 1 -t get (added: minus the backend direct)")
        head = f"{'target':<12}{'B':>3}{'mean us':>10}{'added us':>10}"
        print(head)
        print("-" * len(head))
        base = median(lat.get(("direct", 1), []))
        for (target, b), xs in lat.items():
            us = median(xs)
            added = us - base if us is not None and base is not None and target != "direct" else None
            print(f"{target:<12}{b:>3}{fmt(us, 1):>10}{fmt(added, 1):>10}")
            summary.append(f"bench.proxy latency target={target} backends={b} mean_us={plain(us, 1)} "
                           f"added_us={plain(added, 1)}")
            if target == "codis":
                if us is None:
                    ok = False
                if ("direct", 1) in lat and (added is None or added > RTT_TARGET_US):  # needs the direct figure
                    missed.append(f"codis B={b} added round trip {fmt(added, 1)} us > {RTT_TARGET_US:.0f} us")
            if target == "direct" and us is None:
                ok = False

    if idle or after:
        print()
        print("proxy RSS (MB): started, with the idle clients connected (how many answered PING), after the load runs")
        head = f"{'target':<12}{'B':>3}{'started':>10}{'idle':>10}{'clients':>9}{'after load':>12}"
        print(head)
        print("-" * len(head))
        for key in sorted(set(idle) | set(after), key=lambda k: (k[1], k[0])):
            target, b = key
            before, with_clients, answered, count = idle.get(key, (None, None, 0, 0))
            rest = after.get(key)
            print(f"{target:<12}{b:>3}{fmt(mb(before), 1):>10}{fmt(mb(with_clients), 1):>10}{answered:>9}"
                  f"{fmt(mb(rest), 1):>12}")
            summary.append(f"bench.proxy rss target={target} backends={b} started={before} idle={with_clients} "
                           f"idle_clients={answered} after_load={rest}")
            if target == "codis" and key in idle:
                if with_clients is None or with_clients >= RSS_TARGET:
                    missed.append(f"codis B={b} RSS with idle clients {fmt(mb(with_clients), 1)} MB >= 20 MB")
                if answered < count:
                    ok = False  # not every client was served: no figure for the target

    print()
    for line in summary:
        print(line)
    if unsupported:
        print("bench.proxy nutcracker n/a (error or closed connection): " + "; ".join(unsupported))
    for m in missed:
        print(f"bench.proxy target missed: {m}")
    if not missed:
        print("bench.proxy targets met")
    if not ok:
        print("bench.proxy: some codis or direct figures are missing (see the errors above)")
        return 1
    return 1 if enforce and missed else 0


if __name__ == "__main__":
    sys.exit(main())
