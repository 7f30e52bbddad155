#!/usr/bin/env python3
"""The client side of migrate.sh: key generation, loading, the mover, the checks, the report (the latency
probe is bench/server/probe.cc: its latencies are the figures, so it runs without an interpreter's pauses).

Everything talks RESP over plain sockets (no redis-py, no hiredis). Times are time.monotonic_ns(), which is
CLOCK_MONOTONIC, as the probe's are, and so comparable between the probe and the mover (two processes).

Subcommands (PORT: a port on 127.0.0.1):
  gen-keys N SLOT VALUE_BYTES    RESP for `redis-cli --pipe`: SET of N keys that all hash to SLOT
  gen-hash SLOT FIELDS           RESP: one hash (in SLOT) of FIELDS fields f<i> -> v<i>, 1000 fields per HSET
  gen-probe SLOT COUNT           RESP: COUNT probe keys of slots other than SLOT (100-byte values)
  slot-key SLOT                  the first key gen-keys writes (to check the slot against SLOTSHASHKEY)
  move KIND SRC DST SLOT WHAT OUT
                                 moves WHAT (keys:N or hash:FIELDS) from SRC to DST; KIND is codis-async
                                 (SLOTSMGRTTAGSLOT-ASYNC), codis-sync (SLOTSMGRTTAGSLOT) or redis (MIGRATE ...
                                 KEYS); writes `t0_ns t1_ns moved calls` to OUT
  verify SRC DST SLOT WHAT PROBE_COUNT VALUE_BYTES
                                 everything on DST, nothing of the slot left on SRC, sampled values (and HLEN)
  analyze PROBE_OUT MOVE_OUT     prints `seconds calls moved idle_p50 idle_p99 ops p50 p99 max errors after_max`:
                                 latencies in ms of the requests due before the move (idle), during it, after it
  report RAW [--enforce]         the table and the `bench.migrate ...` lines

The probe is open loop: request k is sent at its due time start + k/RATE whether or not earlier replies came
back (pipelined on one connection), and its latency runs from that due time to its reply. A server that
stalls for 3 s delays every request due in those 3 s, and all of them count (no coordinated omission).
Mover parameters come from the environment: NUMKEYS, MAXBULKS, MAXBYTES and
TIMEOUT_MS (see migrate.sh).
"""
import math
import os
import socket
import sys
import time
import zlib

SLOTS = 1024
ALPHABET = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def slot_of(key: bytes) -> int:
    """Codis's slot: crc32 (IEEE) of the hash tag (between the first '{' and the next '}', even if empty) or
    of the whole key, & 1023."""
    i = key.find(b"{")
    if i >= 0:
        j = key.find(b"}", i + 1)
        if j >= 0:
            key = key[i + 1:j]
    return zlib.crc32(key) & (SLOTS - 1)


def slot_keys(n: int, slot: int, fmt: bytes = b"mig:%09d:"):
    """n distinct untagged keys of `slot`: fmt % i followed by a 3-character suffix chosen to land in the slot.

    Brute force would try ~1024 names per key. CRC32 is affine over GF(2) for messages of one length:
    crc(a ^ b ^ c) = crc(a) ^ crc(b) ^ crc(c). With p the prefix, Z as many zero bytes and t0 a base suffix,
    p+t = (p+t0) ^ (Z+t) ^ (Z+t0), so crc(p+t) = crc(p+t0) ^ d(t) with d(t) = crc(Z+t) ^ crc(Z+t0): one table
    from the low 10 bits of d(t) to a suffix t serves every prefix of that length."""
    plen = len(fmt % 0)
    zeros, t0 = bytes(plen), b"aaa"
    base = zlib.crc32(zeros + t0)
    table = {}
    for a in ALPHABET:
        for b in ALPHABET:
            for c in ALPHABET:
                t = bytes((a, b, c))
                table.setdefault((zlib.crc32(zeros + t) ^ base) & (SLOTS - 1), t)
            if len(table) == SLOTS:
                break
        if len(table) == SLOTS:
            break
    assert len(table) == SLOTS
    for i in range(n):
        p = fmt % i
        assert len(p) == plen, "key prefix grew: use fewer keys or a wider format"
        key = p + table[(zlib.crc32(p + t0) ^ slot) & (SLOTS - 1)]
        assert slot_of(key) == slot
        yield key


def value_of(i: int, size: int) -> bytes:
    return (b"val:%d:" % i).ljust(size, b"x")[:size]


def hash_key(slot: int) -> bytes:
    return next(slot_keys(1, slot, b"bighash:%d:"))


def probe_keys(slot: int, count: int):
    out, i = [], 0
    while len(out) < count:
        k = b"probe:%d" % i
        if slot_of(k) != slot:
            out.append(k)
        i += 1
    return out


def resp(*args) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, int):
            a = b"%d" % a
        elif isinstance(a, str):
            a = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class ReplyError(Exception):
    pass


class Conn:
    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.f = self.sock.makefile("rb")

    def call(self, *args, raise_error=True):
        self.sock.sendall(resp(*args))
        r = self.read()
        if raise_error and isinstance(r, ReplyError):
            raise r
        return r

    def read(self):
        line = self.f.readline()
        if not line.endswith(b"\r\n"):
            raise ConnectionError("connection closed")
        t, rest = line[:1], line[1:-2]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return ReplyError(rest.decode(errors="replace"))
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self.f.read(n + 2)[:-2]
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise ConnectionError("bad reply %r" % line)


def write_chunks(cmds):
    out, buf = sys.stdout.buffer, []
    for c in cmds:
        buf.append(c)
        if len(buf) >= 10000:
            out.write(b"".join(buf))
            buf.clear()
    out.write(b"".join(buf))
    out.flush()


def gen_keys(n, slot, size):
    write_chunks(resp(b"SET", k, value_of(i, size)) for i, k in enumerate(slot_keys(n, slot)))


def gen_hash(slot, fields):
    key = hash_key(slot)

    def cmds():
        for start in range(0, fields, 1000):
            args = [b"HSET", key]
            for i in range(start, min(fields, start + 1000)):
                args += [b"f%d" % i, b"v%d" % i]
            yield resp(*args)
    write_chunks(cmds())


def gen_probe(slot, count):
    write_chunks(resp(b"SET", k, value_of(i, 100)) for i, k in enumerate(probe_keys(slot, count)))


def parse_what(what):
    kind, _, n = what.partition(":")
    assert kind in ("keys", "hash"), what
    return kind, int(n)


def move(kind, src, dst, slot, what, out):
    numkeys = int(os.environ.get("NUMKEYS", 500))
    maxbulks = int(os.environ.get("MAXBULKS", 200))
    maxbytes = int(os.environ.get("MAXBYTES", 32 << 20))
    timeout = int(os.environ.get("TIMEOUT_MS", 30000))
    conn = Conn(src)
    moved = calls = 0
    t0 = time.monotonic_ns()
    if kind == "redis":
        what_kind, n = parse_what(what)
        keys = list(slot_keys(n, slot)) if what_kind == "keys" else [hash_key(slot)]
        t0 = time.monotonic_ns()
        for i in range(0, len(keys), numkeys):
            batch = keys[i:i + numkeys]
            r = conn.call(b"MIGRATE", b"127.0.0.1", dst, b"", 0, timeout, b"KEYS", *batch)
            calls += 1
            if r != "OK":
                sys.exit("move: MIGRATE answered %r" % r)
            moved += len(batch)
    else:
        if kind == "codis-async":
            args = [b"SLOTSMGRTTAGSLOT-ASYNC", b"127.0.0.1", dst, timeout, maxbulks, maxbytes, slot, numkeys]
        elif kind == "codis-sync":
            args = [b"SLOTSMGRTTAGSLOT", b"127.0.0.1", dst, timeout, slot]
        else:
            sys.exit("move: unknown kind " + kind)
        idle = 0
        while True:
            r = conn.call(*args)
            calls += 1
            if not (isinstance(r, list) and len(r) == 2 and all(isinstance(x, int) for x in r)):
                sys.exit("move: %s answered %r" % (args[0].decode(), r))
            moved += r[0]
            if r[1] == 0:
                break
            idle = idle + 1 if r[0] == 0 else 0
            if idle >= 100:  # a slot with keys that nothing moves: give up rather than spin
                sys.exit("move: 100 calls in a row moved nothing, %d keys left" % r[1])
    t1 = time.monotonic_ns()
    with open(out, "w") as f:
        f.write("%d %d %d %d\n" % (t0, t1, moved, calls))


def verify(src, dst, slot, what, probe_count, size):
    a, b = Conn(src), Conn(dst)
    kind, n = parse_what(what)
    errors = []

    def check(cond, msg):
        if not cond:
            errors.append(msg)
    check(a.call(b"DBSIZE") == probe_count, "source DBSIZE %r, expected %d (the probe keys only)"
          % (a.call(b"DBSIZE"), probe_count))
    if kind == "keys":
        check(b.call(b"DBSIZE") == n, "target DBSIZE %r, expected %d" % (b.call(b"DBSIZE"), n))
        step = max(1, n // 1000)
        for i, k in enumerate(slot_keys(n, slot)):
            if i % step and i != n - 1:
                continue
            check(a.call(b"EXISTS", k) == 0, "%r is still on the source" % k)
            v = b.call(b"GET", k)
            check(v == value_of(i, size), "%r on the target is %r" % (k, v[:40] if v else v))
            check(b.call(b"TTL", k) == -1, "%r has a TTL on the target" % k)
    else:
        key = hash_key(slot)
        check(b.call(b"DBSIZE") == 1, "target DBSIZE %r, expected 1" % b.call(b"DBSIZE"))
        check(a.call(b"EXISTS", key) == 0, "the hash is still on the source")
        check(b.call(b"HLEN", key) == n, "HLEN on the target %r, expected %d" % (b.call(b"HLEN", key), n))
        check(b.call(b"TTL", key) == -1, "the hash has a TTL on the target: %r" % b.call(b"TTL", key))
        step = max(1, n // 1000)
        for i in list(range(0, n, step)) + [n - 1]:
            v = b.call(b"HGET", key, b"f%d" % i)
            check(v == b"v%d" % i, "field f%d on the target is %r" % (i, v))
    for e in errors[:10]:
        print("verify: " + e, file=sys.stderr)
    print("ok" if not errors else "FAILED(%d)" % len(errors))


def pct(sorted_xs, q):
    if not sorted_xs:
        return float("nan")
    return sorted_xs[max(0, math.ceil(q * len(sorted_xs)) - 1)]


def analyze(probe_out, move_out):
    t0, t1, moved, calls = map(int, open(move_out).read().split())
    idle, during, after, errors = [], [], [], 0
    for line in open(probe_out):
        due, lat, _, err = line.split()
        due, lat = int(due), int(lat) / 1e6
        errors += int(err)
        (idle if due < t0 else during if due <= t1 else after).append(lat)
    idle.sort()
    during.sort()
    print("%.6f %d %d %.3f %.3f %d %.3f %.3f %.3f %d %.3f" % (
        (t1 - t0) / 1e9, calls, moved, pct(idle, 0.5), pct(idle, 0.99), len(during), pct(during, 0.5),
        pct(during, 0.99), during[-1] if during else float("nan"), errors, max(after, default=float("nan"))))


TARGETS = {"keys": (200000, 2.0), "hash": (None, 2.0)}  # codis: units/s at least, p99 ms below


def report(raw, enforce):
    runs, order = {}, []
    for line in open(raw):
        f = line.split()
        if not f or f[0] != "run":
            continue
        # run TEST LABEL CMD UNITS CHECK, then analyze's figures:
        # seconds calls moved idle_p50 idle_p99 ops p50 p99 max errors after_max
        test, label, cmd, units, check = f[1:6]
        v = dict(zip("seconds calls moved idle_p50 idle_p99 ops p50 p99 max errors after_max".split(),
                     map(float, f[6:])))
        v["rate"] = int(units) / v["seconds"] if v["seconds"] > 0 else 0
        runs[(test, label)] = (cmd, int(units), check, v)
        if test not in order:
            order.append(test)
    head = "%-5s %-6s %-8s %9s %8s %11s %6s | %6s %8s %8s %9s %9s %9s %4s | %s" % (
        "test", "server", "command", "moved", "seconds", "per second", "calls", "probe", "idle p99", "p50 ms",
        "p99 ms", "max ms", "after max", "errs", "check")
    print("moved: keys (keys test) or fields (hash test); probe: the other client's requests due during the "
          "move,\nwith their p50/p99/max; idle p99: the second before the move; after max: the second after")
    print(head)
    print("-" * len(head))
    lines, missed, ok = [], [], True
    for test in order:
        unit = "keys" if test == "keys" else "fields"
        for label in ("redis", "codis"):
            if (test, label) not in runs:
                continue
            cmd, units, check, v = runs[(test, label)]
            print("%-5s %-6s %-8s %9d %8.3f %11s %6d | %6d %8.3f %8.3f %9.3f %9.3f %9.3f %4d | %s" % (
                test, label, cmd, units, v["seconds"], "{:,.0f}".format(v["rate"]), v["calls"], v["ops"],
                v["idle_p99"], v["p50"], v["p99"], v["max"], v["after_max"], v["errors"], check))
            lines.append("bench.migrate test=%s server=%s cmd=%s %s=%d seconds=%.3f %s_per_s=%.0f calls=%d "
                         "probe_ops=%d idle_p99_ms=%.3f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f after_max_ms=%.3f "
                         "errors=%d check=%s" % (test, label, cmd, unit, units, v["seconds"], unit, v["rate"],
                                                 v["calls"], v["ops"], v["idle_p99"], v["p50"], v["p99"], v["max"],
                                                 v["after_max"], v["errors"], check))
            if check != "ok" or v["errors"]:
                ok = False
            if label == "codis":
                min_rate, max_p99 = TARGETS[test]
                if min_rate is not None and v["rate"] < min_rate:
                    missed.append("%s: codis %.0f %s/s < %d" % (test, v["rate"], unit, min_rate))
                if not v["p99"] < max_p99:
                    missed.append("%s: codis p99 %.3f ms, not < %.1f ms" % (test, v["p99"], max_p99))
        if (test, "redis") in runs and (test, "codis") in runs:
            r, c = runs[(test, "redis")][3], runs[(test, "codis")][3]
            rs = [c[k] / r[k] if r[k] > 0 else float("nan") for k in ("rate", "p50", "p99", "max")]
            print("%-5s %-6s %-8s %9s %8s %11.2f %6s | %6s %8s %8.2f %9.2f %9.2f %9s %4s |" % (
                test, "codis/", "redis", "", "", rs[0], "", "", "", rs[1], rs[2], rs[3], "", ""))
            lines.append("bench.migrate test=%s ratio=codis/redis per_s=%.3f p50=%.3f p99=%.3f max=%.3f"
                         % (test, *rs))
    print("targets (codis): keys >= 200,000 keys/s; the other client's p99 during each move < 2 ms")
    for m in missed:
        print("target missed: " + m)
    if not missed:
        print("targets met" if runs else "no runs")
    for line in lines:
        print(line)
    if not ok:
        print("migrate: a check failed (see the errs and check columns)")
        return 1
    return 1 if enforce and missed else 0


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "gen-keys":
        gen_keys(int(args[0]), int(args[1]), int(args[2]))
    elif cmd == "gen-hash":
        gen_hash(int(args[0]), int(args[1]))
    elif cmd == "gen-probe":
        gen_probe(int(args[0]), int(args[1]))
    elif cmd == "slot-key":
        print(next(slot_keys(1, int(args[0]))).decode())
    elif cmd == "move":
        try:
            move(args[0], int(args[1]), int(args[2]), int(args[3]), args[4], args[5])
        except ReplyError as e:
            sys.exit("move: the source answered -%s" % e)
    elif cmd == "verify":
        verify(int(args[0]), int(args[1]), int(args[2]), args[3], int(args[4]), int(args[5]))
    elif cmd == "analyze":
        analyze(args[0], args[1])
    elif cmd == "report":
        sys.exit(report(args[0], "--enforce" in args[1:]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
