#!/usr/bin/env python3
"""Captures redis-server 7.0's raw replies to scripted sorted-set scenarios, in RESP2 and in RESP3, so
zsets_redis_test can replay them through codis-server's Server::execute and compare byte for byte (score
texts, nested arrays, nulls, error texts) without a Redis at run time.

Usage: capture_zsets.py [redis-server binary] > zsets_redis70.txt

Every scenario starts from an empty database with the default listpack limits. DUMP payloads stand in
for OBJECT ENCODING (a listpack and a skiplist dump differently), so encodings are checked too.

Line format: "P2" or "P3" starts a scenario in that protocol (the replayer FLUSHALLs and restores the
default listpack limits); otherwise the
command's arguments separated by spaces, each plain or "h:" + hex, then " => " and the raw reply with
CR, LF and the backslash written as \\r, \\n, \\\\ and other bytes outside printable ASCII as \\xHH.
"""
import os
import random
import socket
import subprocess
import sys
import time


def tok(s):
    s = s if isinstance(s, bytes) else str(s).encode()
    if s and all(33 <= c < 127 for c in s) and not s.startswith(b"h:"):
        return s.decode()
    return "h:" + s.hex()


def esc(b):
    named = {13: "\\r", 10: "\\n", 92: "\\\\"}
    return "".join(named.get(c) or (chr(c) if 32 <= c < 127 else "\\x%02x" % c) for c in b)


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def _fill(self):
        d = self.sock.recv(1 << 16)
        if not d:
            raise RuntimeError("closed")
        self.buf += d

    def _skip(self, pos):
        # Returns the end of the reply starting at pos (in self.buf), reading more as needed.
        while True:
            while b"\r\n" not in self.buf[pos:]:
                self._fill()
            i = self.buf.index(b"\r\n", pos)
            kind, rest = self.buf[pos:pos + 1], self.buf[pos + 1:i]
            end = i + 2
            if kind in b"$!=":
                n = int(rest)
                if n < 0:
                    return end
                while len(self.buf) < end + n + 2:
                    self._fill()
                return end + n + 2
            if kind in b"*~>%|":
                n = int(rest)
                if kind in b"%|":
                    n *= 2
                for _ in range(max(n, 0)):
                    end = self._skip(end)
                return end
            return end

    def call(self, args):
        args = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        self.sock.sendall(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
        end = self._skip(0)
        out, self.buf = self.buf[:end], self.buf[end:]
        return out


BIG = ["zadd", "big"] + [x for i in range(130) for x in (str(i % 9), "m%03d" % i)]
SCEN = []


def scenario(*cmds):
    SCEN.append([c.split(" ") if isinstance(c, str) else c for c in cmds])


# ZADD flags, outcomes and errors.
scenario("zadd z 1 a 2 b 3 c", "zadd z nx 5 a 4 d", "zadd z xx 6 a 7 e", "zadd z xx ch 7 a 7 b",
         "zadd z gt ch 1 a 10 b", "zadd z lt ch 1 a 10 c", "zadd z xx gt 0 a", "zrange z 0 -1 withscores",
         "zadd z incr 2.5 a", "zadd z nx incr 1 a", "zadd z xx incr 1 nope", "zadd z gt incr -1 a",
         "zadd z lt incr -1 a", "zadd z incr inf a", "zadd z incr -inf a", "zscore z a",
         "zadd z nx xx 1 a", "zadd z gt lt 1 a", "zadd z nx gt 1 a", "zadd z nx lt 1 a",
         "zadd z incr 1 a 2 b", "zadd z 1", "zadd z 1 a 2", "zadd z nan a", "zadd z x a",
         "zadd z 1 a x b", "zadd z ch", "zadd z CH NX", "zadd z 0x10 hex", "zadd z +5 plus",
         "zadd z 1e400 over", "zadd z 1e-400 under", "zadd z 4.9e-324 denorm", "zscore z hex",
         "zadd z -0 negzero", "zscore z negzero", "zadd newkey xx 1 a", "exists newkey",
         "zadd newkey xx incr 1 a", "set str x", "zadd str 1 a", "zadd str x a", "zincrby str 1 a",
         "zincrby z 1.5 b", "zincrby z x b", "zincrby z incr b", "zincrby new 0.1 m", "zscore new m",
         "zadd z 0.1 p 0.2 q 1e20 r 123456789.123 s -1.5e-7 t", "zrange z 0 -1 withscores", "dump z")
# Scores: formatting, infinities, -0 in both encodings.
scenario("zadd s -0 a 0.30000000000000004 b 1e15 c 1e16 d 1e17 e inf f -inf g 2.5e-5 h",
         "zrange s 0 -1 withscores", "zscan s 0", "zmscore s a b f g nope", "zscore s a",
         BIG, "zadd big -0 nz 0.1 tenth 4611686018427387904 two62", "zscore big nz",
         "zrangebyscore big -inf 0 withscores", "zrangebyscore big (8 +inf withscores",
         "zscan big 0 match tenth count 1000", "zscan big 0 match nz count 1000",
         "zincrby big 1 m000", "zmscore big m000 m001 nz")
# Reads on missing keys and other types.
scenario("set str x", "zcard nokey", "zcard str", "zscore nokey a", "zscore str a", "zmscore nokey a b",
         "zmscore str a", "zrank nokey a", "zrevrank str a", "zcount nokey 0 1", "zcount str 0 1",
         "zcount str x 1", "zlexcount nokey - +", "zlexcount str - +", "zlexcount str a +",
         "zrange nokey 0 -1", "zrange nokey 0 -1 withscores", "zrange str 0 -1", "zrange str x 1",
         "zrangebyscore nokey 0 1", "zrangebylex str - +", "zrandmember nokey", "zrandmember nokey 5",
         "zrandmember str", "zscan nokey 0", "zscan nokey 0 count x", "zscan str 0", "zscan str x",
         "zpopmin nokey", "zpopmin nokey 3", "zpopmax str", "zmpop 2 nokey str min", "zmpop 1 nokey min",
         "zrem nokey a", "zrem str a", "zremrangebyrank str 0 1", "zremrangebyscore nokey 0 1",
         "zremrangebylex str x +", "zremrangebylex str - +", "zunion 2 nokey str", "zinter 1 nokey",
         "zdiff 1 nokey withscores", "zintercard 1 nokey", "zrangestore d str 0 1",
         "zrangestore d nokey 0 1", "exists d")
# Ranks, counts, ZREM, range deletions.
scenario("zadd z 1 a 2 b 3 c 4 d 5 e 5 f", "zrank z a", "zrank z f", "zrevrank z a", "zrank z x",
         "zcount z -inf +inf", "zcount z (1 5", "zcount z (5 (5", "zcount z 1 x", "zcount z ( (",
         "zcard z", "zrem z a x b", "zremrangebyrank z 0 0", "zremrangebyrank z -1 -1",
         "zremrangebyrank z 5 10", "zremrangebyrank z x 1", "zrange z 0 -1 withscores",
         "zremrangebyscore z (3 +inf", "zremrangebyscore z x 1", "zremrangebyscore z -inf +inf",
         "exists z", "zadd l 0 a 0 b 0 c 0 d", "zlexcount l - +", "zlexcount l [b (d", "zlexcount l b c",
         "zremrangebylex l (a [c", "zrange l 0 -1", "zremrangebylex l - +", "exists l")
# ZRANGE in every form, options and errors.
scenario("zadd z 1 a 2 b 3 c 4 d 5 e", "zrange z 0 -1", "zrange z 0 -1 withscores", "zrange z -2 -1",
         "zrange z 3 1", "zrange z 0 100", "zrange z -100 1", "zrange z 0 -1 rev withscores",
         "zrange z (1 5 byscore", "zrange z 5 (1 byscore rev", "zrange z -inf +inf byscore limit 1 2",
         "zrange z -inf +inf byscore limit -1 2", "zrange z -inf +inf byscore limit 1 -1",
         "zrange z -inf +inf byscore limit 10 1", "zrange z +inf -inf byscore rev limit 1 2 withscores",
         "zrange z 0 -1 limit 0 -1", "zrange z 0 -1 limit 0 2", "zrange z 0 -1 limit 0",
         "zrange z - + bylex withscores", "zrange z 0 1 byscore bylex", "zrange z 0 1 bylex byscore",
         "zrange z 0 1 rev rev", "zrange z 0 1 foo", "zrange z a 1", "zrange z x 1 byscore",
         "zrange z a b bylex", "zrange z 0 1 limit x 1 byscore", "zrange z 0 1 withscores withscores",
         "zrevrange z 0 1 withscores", "zrevrange z 0 1 rev", "zrevrange z 0 1 limit 0 1",
         "zrangebyscore z 2 4 withscores", "zrangebyscore z 2 4 limit 1 1 withscores",
         "zrangebyscore z 2 4 rev", "zrangebyscore z 2 4 byscore", "zrevrangebyscore z 4 2 withscores",
         "zrevrangebyscore z 4 2 limit 0 1", "zrevrangebyscore z 2 4",
         "zadd l 0 a 0 b 0 c 0 d 0 e", "zrangebylex l [b (e", "zrangebylex l - + limit 1 2",
         "zrevrangebylex l + - limit 1 2", "zrevrangebylex l (d [a", "zrangebylex l - + withscores",
         "zrangebylex l a +", "zrange l [e [a bylex rev limit 0 2", "zrange l (a + bylex")
# Large sets (skiplist): ranges, ranks, deletions.
scenario(BIG, "zrange big 0 9 withscores", "zrange big -5 -1 withscores", "zrange big 0 4 rev",
         "zrank big m050", "zrevrank big m050", "zcount big 3 (5", "zrangebyscore big 7 +inf limit 3 4",
         "zrevrangebyscore big 2 1 withscores limit 2 3", "zremrangebyrank big 10 19", "zcard big",
         "zremrangebyscore big 8 8", "zcard big", "dump big", "zremrangebyrank big 0 -20", "dump big")
# ZRANGESTORE: result encodings, TTL dropped, empty result deletes.
scenario("zadd src 1 a 2 b 3 c", "set dst x", "expire dst 100", "zrangestore dst src 0 -1", "ttl dst",
         "dump dst", "zrangestore dst src 2 +inf byscore", "zrange dst 0 -1 withscores",
         "zrangestore dst src 5 10", "exists dst", "zrangestore dst src (c - bylex rev limit 0 1",
         "zrangestore dst src 0 -1 withscores", "zrangestore src src 0 0", "zrange src 0 -1 withscores",
         BIG, "zrangestore dst big 0 -1", "dump dst", "zrangestore dst big 0 127", "dump dst",
         "zadd long 1 " + "x" * 65 + " 2 y", "zrangestore dst long 0 -1", "dump dst",
         "zrangestore dst long 1 1", "dump dst",
         # -0 added to the listpack before the conversion reads back as 0; after it, it stays -0.
         "zadd neg -0 a 0 j -0 " + "z" * 70 + " 3 i -2 e", "zrangestore d2 neg 0 -1",
         "zrange d2 0 -1 withscores", "zrangestore d2 neg 0 -1 rev", "zrange d2 0 -1 withscores")
# Pops.
scenario("zadd z 1 a 2 b 3 c 4 d -0 e", "zpopmin z", "zpopmax z", "zpopmin z 2", "zpopmax z 0",
         "zpopmin z -1", "zpopmin z x", "zpopmin z 1 2", "zpopmax z 10", "exists z",
         "zadd z 1 a 2 b 3 c", "zmpop 1 z min", "zmpop 2 nokey z max count 10", "exists z",
         "zmpop 0 z min", "zmpop -1 z min", "zmpop x z min", "zmpop 1 z mid", "zmpop 2 z min",
         "zmpop 1 z min count 0", "zmpop 1 z min count x", "zmpop 1 z min count 1 count 1",
         "zmpop 1 z min foo", "zmpop 1 nokey min", BIG, "zpopmin big 3", "zmpop 1 big max count 2",
         "set str x", "zmpop 2 str big min", "zmpop 2 big str min", "zpopmin str")
# ZRANDMEMBER: the deterministic cases and the argument checks.
scenario("zadd z 1 a 2 b 3 c", "zrandmember z 3", "zrandmember z 10 withscores", "zrandmember z 0",
         "zrandmember z 0 withscores", "zrandmember z x", "zrandmember z 1 withscore",
         "zrandmember z 1 withscores x", "zrandmember z -9223372036854775808",
         "zrandmember z -4611686018427387904 withscores", "zrandmember z 4611686018427387904 withscores",
         "zadd one 1.5 a", "zrandmember one", "zrandmember one -3 withscores", "zrandmember one 1 withscores",
         "zrandmember one -2")
# Algebra: weights, aggregates, sets as inputs, store encodings, errors.
scenario("zadd a 1 x 2 y 3 z", "zadd b 10 y 20 z 30 w", "sadd s y w v", "zunion 2 a b withscores",
         "zunion 3 a b s withscores", "zinter 2 a b withscores", "zinter 3 a b s withscores",
         "zdiff 2 a b withscores", "zdiff 2 b s withscores", "zdiff 2 a a", "zunion 2 a b weights 2 -1",
         "zunion 2 a b weights 2 -1 withscores aggregate min", "zunion 2 a b aggregate max withscores",
         "zinter 2 a b aggregate min withscores", "zinter 2 a a weights 1 2 withscores",
         "zunion 2 a b weights inf -inf withscores", "zunion 1 a weights 0 withscores",
         "zinter 2 a b weights inf -inf aggregate sum withscores",
         "zunion 2 a b weights 1", "zunion 2 a b weights 1 x", "zunion 2 a b aggregate avg",
         "zunion 2 a b aggregate", "zunion 2 a b withscores withscores", "zunion 0 a", "zunion -1 a",
         "zunion x a", "zunion 3 a b", "zdiff 2 a b weights 1 1", "zdiff 2 a b aggregate sum",
         "zunionstore d 2 a b", "zrange d 0 -1 withscores", "dump d", "zinterstore d 2 a b weights 1 1",
         "zrange d 0 -1 withscores", "zdiffstore d 2 a b", "zrange d 0 -1 withscores",
         "zdiffstore d 2 a a", "exists d", "zunionstore d 2 a b withscores", "zinterstore d 0 a",
         "set str x", "zunionstore d 2 a str", "zunion 2 str a weights x", "zintercard 2 a b",
         "zintercard 2 a b limit 1", "zintercard 2 a b limit 0", "zintercard 2 a b limit -1",
         "zintercard 2 a b limit x", "zintercard 0 a", "zintercard 2 a b withscores",
         "zintercard 2 a b weights 1 1", "zintercard 3 a b s", BIG, "zunionstore d 2 big a", "dump d",
         "zinterstore d 2 big big weights 1 0.5", "zcard d", "zrange d 0 4 withscores",
         "zadd long 1 " + "y" * 65, "zunionstore d 1 long", "dump d", "zunionstore a 2 a b",
         "zrange a 0 -1 withscores")
# ZSCAN options on a listpack (deterministic) and errors.
scenario("zadd z 1 a 2 b 3 ab 1.5 c", "zscan z 0", "zscan z 0 match a*", "zscan z 0 count 1",
         "zscan z 17 count 1", "zscan z 0 count 0", "zscan z 0 count x", "zscan z 0 match",
         "zscan z 0 type zset", "zscan z -1", "zscan z x", "zscan z 0 match * count 5")
# DUMP/RESTORE of sorted sets.
scenario("zadd z 1 a 2 b -0 c inf d", "dump z", BIG, "dump big", "zadd big 0.5 half", "dump big",
         "config set zset-max-listpack-entries 4", "dump z", "config set zset-max-listpack-value 0",
         "dump z", "zadd z2 1 a", "dump z2", "config set zset-max-listpack-entries 0", "zadd z3 1 a",
         "dump z3", "zadd z4 1 a 2 b", "zrangestore z5 z4 0 -1", "dump z5")
# A listpack payload keeps its encoding on RESTORE whatever its member lengths; only the count converts.
scenario("config set zset-max-listpack-value 100", "zadd lp 1 " + "v" * 80 + " 2 w", "dump lp",
         "config set zset-max-listpack-value 64", "dump lp", "config set zset-max-listpack-entries 1",
         "dump lp")

# Large inputs (skip lists) through the algebra, stores and range deletions, with DUMP of every result.
_rnd = random.Random(9)
_bulk = []
for _k in ("a", "b", "c"):
    _args = ["zadd", _k]
    for _ in range(300):
        _args += [_rnd.choice(["%d" % _rnd.randint(-20, 20), "%.3f" % _rnd.uniform(-5, 5), "inf", "-0"]),
                  "m%d" % _rnd.randint(0, 500)]
    _bulk.append(_args)
scenario(*_bulk, ["sadd", "s"] + ["m%d" % i for i in range(0, 500, 3)],
         "zunionstore u 3 a b c weights 1 -2 0.5", "zrange u 0 -1 withscores", "dump u",
         "zinterstore i 3 a b s aggregate max", "zrange i 0 -1 withscores", "dump i",
         "zdiffstore d 3 a b s", "dump d", "zunion 4 a b c s aggregate min withscores",
         "zintercard 2 a b limit 10", "zintercard 2 a b", "zrangestore rs a -2 2 byscore limit 10 1000",
         "dump rs", "zremrangebyscore a -1 1", "zremrangebyrank a 10 100", "dump a", "zpopmin b 200",
         "dump b", "zrangebyscore c -3 +inf withscores limit 7 30", "zrevrange c 10 50 withscores")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "redis-server"
    port = 27000 + os.getpid() % 1000
    proc = subprocess.Popen([binary, "--port", str(port), "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                c = Conn(port)
                break
            except OSError:
                time.sleep(0.05)
        print("# captured from redis-server 7.0.15 by capture_zsets.py; replay: zsets_redis_test.cc")
        for proto in ("2", "3"):
            c.call(["hello", proto])
            for cmds in SCEN:
                print("P" + proto)
                c.call(["flushall"])
                c.call(["config", "set", "zset-max-listpack-entries", "128"])
                c.call(["config", "set", "zset-max-listpack-value", "64"])
                for args in cmds:
                    reply = c.call(args)
                    print(" ".join(tok(a) for a in args) + " => " + esc(reply))
                    if args[0] == "dump" and not reply.startswith(b"$-1") and not reply.startswith(b"_"):
                        # Round trip: RESTORE the payload under another name and compare the content.
                        payload = reply.split(b"\r\n", 1)[1][:-2]
                        rargs = ["restore", args[1] + b"-r" if isinstance(args[1], bytes)
                                 else args[1] + "-r", "0", payload, "replace"]
                        print(" ".join(tok(a) for a in rargs) + " => " + esc(c.call(rargs)))
                        q = ["zrange", rargs[1], "0", "-1", "withscores"]
                        print(" ".join(tok(a) for a in q) + " => " + esc(c.call(q)))
                        q = ["dump", rargs[1]]
                        print(" ".join(tok(a) for a in q) + " => " + esc(c.call(q)))
    finally:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    main()
