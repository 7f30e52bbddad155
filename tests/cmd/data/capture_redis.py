#!/usr/bin/env python3
"""Captures the Redis 7.0 ground truth that tests/cmd compares src/cmd's command table against.

Run by hand (never by ctest) after changing the table or the Redis version:
    python3 tests/cmd/data/capture_redis.py [--redis-server /usr/bin/redis-server]
It starts redis-server on a free loopback port, asks it COMMAND and COMMAND GETKEYSANDFLAGS, stops it and
rewrites, next to this script:
  redis70_command_info.jsonl  one canonical JSON object per command and subcommand (sorted by name; tips
                              sorted into a fixed order because Redis lists them in declaration order);
  redis70_getkeys.tsv         argv<TAB>...<TAB>=><TAB>key:flag,flag<TAB>... or => ERR <message>; the argv
                              tokens are unique so a key name identifies its position.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TIP_ORDER = [
    "nondeterministic_output", "nondeterministic_output_order",
    "request_policy:all_nodes", "request_policy:all_shards", "request_policy:multi_shard",
    "request_policy:special",
    "response_policy:one_succeeded", "response_policy:all_succeeded", "response_policy:agg_logical_and",
    "response_policy:agg_logical_or", "response_policy:agg_min", "response_policy:agg_max",
    "response_policy:agg_sum", "response_policy:special",
]


class Resp:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def call(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a.encode() if isinstance(a, str) else a
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))
        return self._read()

    def _line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.sock.recv(1 << 16)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _read(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self.buf += self.sock.recv(1 << 16)
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data.decode()
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._read() for _ in range(n)]
        raise ValueError(line)


def pairs_to_dict(flat):
    return {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)}


def key_spec(raw):
    d = pairs_to_dict(raw)
    out = {}
    if "notes" in d:
        out["notes"] = d["notes"]
    out["flags"] = d["flags"]
    for part in ("begin_search", "find_keys"):
        p = pairs_to_dict(d[part])
        out[part] = {"type": p["type"], "spec": pairs_to_dict(p["spec"])}
    return out


def info_line(c):
    name, arity, flags, first, last, step, acl, tips, specs, subs = c
    return {
        "name": name, "arity": arity, "flags": flags, "first": first, "last": last, "step": step,
        "acl": acl, "tips": sorted(tips, key=TIP_ORDER.index), "key_specs": [key_spec(s) for s in specs],
        "subcommands": sorted(s[0] for s in subs),
    }


def all_commands(reply):
    for c in reply:
        yield c
        yield from c[9]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def auto_cases(commands):
    """argv of every length the arity allows (up to 5 beyond the minimum) for each keyed command."""
    for c in commands:
        name, arity, specs = c[0], c[1], c[8]
        if not specs:
            continue
        words = name.split("|")
        lengths = [arity] if arity > 0 else [-arity + k for k in (0, 1, 2, 3, 5)]
        for n in lengths:
            if n >= 2:  # COMMAND GETKEYSANDFLAGS needs the command and at least one argument
                yield words + ["t%d" % i for i in range(len(words), n)]


MANUAL = """
mset k1 v1 k2 v2
mset k1 v1 k2
blpop k1 k2 0
brpop k1 0
zunionstore d 2 k1 k2
zunionstore d 2 k1 k2 weights 1 2
zunionstore d 0 k1
zunionstore d -1 k1
zunionstore d 3 k1 k2
zinterstore d 1 k1 aggregate max
zdiffstore d 1 k1
zunion 2 k1 k2 withscores
zinter 1 k1
zdiff 2 k1 k2
zdiff 3 k1 k2
zintercard 2 k1 k2 limit 5
sintercard 2 k1 k2
sintercard 3 k1 k2
sintercard 0 k1
eval s 2 k1 k2 a1
eval s 0 a1
eval s 0
eval s 3 k1
eval s -1 k1
evalsha s 1 k1
eval_ro s 1 k1 a1
evalsha_ro s 2 k1 k2
fcall f 1 k1 a1
fcall_ro f 2 k1 k2
lmpop 2 k1 k2 left count 2
lmpop 1 k1 right
blmpop 0 2 k1 k2 right
zmpop 1 k1 min
bzmpop 1.5 2 k1 k2 max count 3
sort k1
sort k1 store d
sort k1 by p get g limit 0 1 store d
sort k1 StOrE d
sort k1 store
sort k1 store d1 store d2
sort k1 get store
sort k1 limit store x store d
sort_ro k1 by p get g
migrate h p k1 0 5000
migrate h p k1 0 5000 copy replace
migrate h p  0 5000 keys k1 k2
migrate h p  0 5000 copy replace auth pw keys k1
migrate h p  0 5000 auth2 u pw keys k1 k2
migrate h p k1 0 5000 keys k2
georadius k lo la 10 km store d
georadius k lo la 10 km storedist d2
georadius k lo la 10 km store d storedist d2
georadius k lo la 10 km withdist count 3 asc store d
georadius k lo la 10 km store
georadiusbymember k m 10 km store d
georadiusbymember k m 10 km StoreDist d
georadius_ro k lo la 10 km
georadiusbymember_ro k m 10 km
geosearchstore d s frommember m byradius 1 km
xread streams k1 k2 i1 i2
xread count 2 block 0 streams k1 i1
xread STREAMS k1 i1
xread streams k1 k2 i1
xread streams streams i1
xread count 1 k1 i1
xreadgroup group g c count 1 streams k1 i1
xreadgroup group g c noack streams k1 k2 i1 i2
xreadgroup group streams c streams k1 i1
set k v
set k v get
set k v ex 10 GET
set k v nx
set k v getx
bitfield k get u8 0
bitfield k set u8 0 1
bitfield k get u8 0 incrby u8 1 1
bitfield k overflow sat get u8 0
bitfield k
bitfield k get u8
bitfield_ro k get u8 0
bitop and d k1 k2
lmove k1 k2 left right
blmove k1 k2 left right 0
smove k1 k2 m
rename k1 k2
copy k1 k2 db 1
lcs k1 k2
pfmerge d k1 k2
pfcount k1 k2
rpoplpush k1 k2
brpoplpush k1 k2 0
object encoding k
memory usage k samples 5
xgroup create k g $ mkstream
xinfo stream k full
xinfo consumers k g
del k1 k2 k3
exists k1 k2
touch k1
unlink k1 k2
watch k1 k2
mget k1 k2 k3
spublish ch msg
ssubscribe ch1 ch2
pfdebug getreg k
restore k 0 payload replace
get k
get k x
echo hi
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redis-server", default="redis-server")
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args()
    port = free_port()
    proc = subprocess.Popen([args.redis_server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--daemonize", "no", "--dir", "/tmp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                r = Resp(port)
                break
            except OSError:
                time.sleep(0.05)
        version = pairs_to_dict(
            [x for line in r.call("INFO", "server").splitlines() if ":" in line for x in line.split(":", 1)])
        reply = r.call("COMMAND")
        commands = sorted(all_commands(reply), key=lambda c: c[0])
        with open(os.path.join(args.out, "redis70_command_info.jsonl"), "w") as f:
            for c in commands:
                f.write(json.dumps(info_line(c), separators=(",", ":")) + "\n")
        cases = list(auto_cases(commands)) + [line.split(" ") for line in MANUAL.strip().splitlines()]
        with open(os.path.join(args.out, "redis70_getkeys.tsv"), "w") as f:
            f.write("# redis_version:%s; generated by capture_redis.py\n" % version.get("redis_version"))
            for argv in cases:
                res = r.call("COMMAND", "GETKEYSANDFLAGS", *argv)
                if isinstance(res, RuntimeError):
                    out = ["ERR " + str(res).removeprefix("ERR ")]
                else:
                    out = ["%s:%s" % (k, ",".join(fl)) for k, fl in res]
                f.write("\t".join(argv + ["=>"] + out) + "\n")
        print("captured %d commands, %d getkeys cases from redis %s" %
              (len(commands), len(cases), version.get("redis_version")))
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    sys.exit(main())
