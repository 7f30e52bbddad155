#!/usr/bin/env python3
"""Captures Redis's replies to a long pseudo-random script of sorted-set commands (ZADD with every flag,
ZINCRBY, ZREM, ZSCORE, ZRANK, ZRANGE*, ZCOUNT, ZLEXCOUNT, ZREMRANGEBY*, ZPOP*, OBJECT ENCODING, CONFIG SET
of the listpack limits), so zset_redis_test can replay it through ZSet and compare every reply without a
Redis at run time. Usage: capture_zset.py [redis-server binary] > zset_redis70.txt

Lex queries on a set with mixed scores are only issued while it is in listpack encoding: Redis answers
them with a linear scan then (which ZSet reproduces), but with a search over a randomly levelled
skiplist otherwise (not reproducible by anyone).

Line format: the command's arguments separated by spaces, each either plain or "h:" + hex, then " => "
and the reply: ":N" integer, "$HEX" bulk, "_" nil, "+TEXT" status, "-TEXT" error, "*N" then " ITEM"
for each element of an array (items are bulk strings).
"""
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from capture_hll import Resp  # noqa: E402  (same tiny RESP client)


def tok(b):
    s = b if isinstance(b, bytes) else str(b).encode()
    if s and all(33 <= c < 127 for c in s) and not s.startswith(b"h:"):
        return s.decode()
    return "h:" + s.hex()


def call_raw(r, args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    r.sock.sendall(b"".join(out))
    return read(r)


def read(r):
    line = r._line()
    kind, rest = line[:1], line[1:]
    if kind == b"+":
        return "+" + rest.decode()
    if kind == b"-":
        return "-" + rest.decode()
    if kind == b":":
        return ":" + rest.decode()
    if kind == b"$":
        n = int(rest)
        return "_" if n < 0 else "$" + r._exact(n).hex()
    if kind == b"*":
        n = int(rest)
        if n < 0:
            return "_"
        items = [read(r) for _ in range(n)]
        return " ".join(["*%d" % n] + items)
    raise RuntimeError(line)


MEMBERS = [b"a", b"b", b"c", b"aa", b"ab", b"", b"\xff", b"a\x00", b"B", b"zz"] + \
          [b"m%d" % i for i in range(10)] + [b"long" + b"x" * 70]
SCORES = ["0", "-0", "1", "1.5", "2", "-3", "inf", "-inf", "1e308", "0.1", "7", "100", "-2.5"]
SCORE_BOUNDS = ["-inf", "+inf", "(1", "1", "(0", "0", "-0", "2", "(2", "1.5", "(inf", "-3", "(-inf", "7", "(100"]
LEX_BOUNDS = ["-", "+", "[a", "(a", "[b", "(ab", "[", "(", "[\xff", "[m5", "(m", "[zz", "(B", "[long"]
KEYS = [b"k0", b"k1", b"k2", b"k3"]


def lex_ok(r, key):
    enc = call_raw(r, [b"OBJECT", b"ENCODING", key])
    if enc == "_" or bytes.fromhex(enc[1:]) == b"listpack":
        return True
    scores = call_raw(r, [b"ZRANGE", key, b"0", b"-1", b"WITHSCORES"]).split(" ")[1:]
    return len(set(float(bytes.fromhex(s[1:])) for s in scores[1::2])) <= 1


def gen_command(rnd, r, equal_scores):
    key = rnd.choice(KEYS)
    m = lambda: rnd.choice(MEMBERS)  # noqa: E731
    s = lambda: "1" if equal_scores else rnd.choice(SCORES)  # noqa: E731
    op = rnd.randrange(24)
    if op < 7:
        flags = []
        if rnd.random() < 0.2:
            flags.append(rnd.choice(["NX", "XX"]))
        if "NX" not in flags and rnd.random() < 0.2:
            flags.append(rnd.choice(["GT", "LT"]))
        if rnd.random() < 0.3:
            flags.append("CH")
        if rnd.random() < 0.15:
            flags.append("INCR")
            pairs = [s(), m()]
        else:
            pairs = []
            for _ in range(rnd.choice([1, 1, 2, 3, 8])):
                pairs += [s(), m()]
        return [b"ZADD", key] + [f.encode() for f in flags] + [p if isinstance(p, bytes) else p.encode() for p in pairs]
    if op == 7:
        return [b"ZINCRBY", key, rnd.choice(["1", "-1", "0.5", "inf", "-inf", "0"]).encode(), m()]
    if op == 8:
        return [b"ZREM", key] + [m() for _ in range(rnd.choice([1, 2, 4]))]
    if op == 9:
        return [rnd.choice([b"ZSCORE", b"ZRANK", b"ZREVRANK"]), key, m()]
    if op == 10:
        return [b"ZCARD", key]
    if op == 11:
        a = [rnd.choice([b"ZRANGE", b"ZREVRANGE"]), key, str(rnd.randint(-6, 6)).encode(),
             str(rnd.randint(-6, 6)).encode()]
        return a + ([b"WITHSCORES"] if rnd.random() < 0.5 else [])
    if op in (12, 13, 14):
        cmd = rnd.choice([b"ZRANGEBYSCORE", b"ZREVRANGEBYSCORE"])
        a = [cmd, key, rnd.choice(SCORE_BOUNDS).encode(), rnd.choice(SCORE_BOUNDS).encode()]
        if rnd.random() < 0.5:
            a.append(b"WITHSCORES")
        if rnd.random() < 0.5:
            a += [b"LIMIT", str(rnd.choice([-1, 0, 1, 2, 5])).encode(), str(rnd.choice([-1, 0, 1, 3, 10])).encode()]
        return a
    if op in (15, 16, 17):
        if not lex_ok(r, key):
            return None
        cmd = rnd.choice([b"ZRANGEBYLEX", b"ZREVRANGEBYLEX", b"ZLEXCOUNT", b"ZREMRANGEBYLEX"])
        a = [cmd, key, rnd.choice(LEX_BOUNDS).encode("latin-1"), rnd.choice(LEX_BOUNDS).encode("latin-1")]
        if cmd in (b"ZRANGEBYLEX", b"ZREVRANGEBYLEX") and rnd.random() < 0.5:
            a += [b"LIMIT", str(rnd.choice([-1, 0, 1, 2, 5])).encode(), str(rnd.choice([-1, 0, 1, 3, 10])).encode()]
        return a
    if op == 18:
        return [b"ZCOUNT", key, rnd.choice(SCORE_BOUNDS).encode(), rnd.choice(SCORE_BOUNDS).encode()]
    if op == 19:
        return [b"ZREMRANGEBYSCORE", key, rnd.choice(SCORE_BOUNDS).encode(), rnd.choice(SCORE_BOUNDS).encode()]
    if op == 20:
        return [b"ZREMRANGEBYRANK", key, str(rnd.randint(-5, 5)).encode(), str(rnd.randint(-5, 5)).encode()]
    if op == 21:
        a = [rnd.choice([b"ZPOPMIN", b"ZPOPMAX"]), key]
        return a + ([str(rnd.choice([0, 1, 2, 5])).encode()] if rnd.random() < 0.6 else [])
    if op == 22:
        return [b"OBJECT", b"ENCODING", key]
    return [b"DEL", key] if rnd.random() < 0.3 else [b"OBJECT", b"ENCODING", key]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "redis-server"
    port = random.Random(os.getpid() ^ int(time.time())).randrange(20000, 60000)
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                r = Resp(port)
                break
            except OSError:
                time.sleep(0.05)
        info = call_raw(r, [b"INFO", b"server"])
        version = [l for l in bytes.fromhex(info[1:]).decode().splitlines()
                   if l.startswith("redis_version:")][0].split(":")[1]
        print("# captured from redis-server %s by capture_zset.py; replay: tests/server_ds/zset_redis_test.cc"
              % version)
        rnd = random.Random(2024)
        phases = [("128", "64", False, 2500), ("128", "64", True, 1500), ("4", "3", False, 2500),
                  ("4", "3", True, 1000), ("0", "64", False, 800), ("16", "64", False, 1500)]
        for entries, value, equal, steps in phases:
            for name, v in (("zset-max-listpack-entries", entries), ("zset-max-listpack-value", value)):
                args = [b"CONFIG", b"SET", name.encode(), v.encode()]
                print("%s => %s" % (" ".join(tok(a) for a in args), call_raw(r, args)))
            for k in KEYS:
                args = [b"DEL", k]
                print("%s => %s" % (" ".join(tok(a) for a in args), call_raw(r, args)))
            n = 0
            while n < steps:
                args = gen_command(rnd, r, equal)
                if args is None:
                    continue
                print("%s => %s" % (" ".join(tok(a) for a in args), call_raw(r, args)))
                n += 1
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
