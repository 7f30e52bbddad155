#!/usr/bin/env python3
"""Captures the Redis 7.0 DUMP payloads that tests/server_rdb compares src/server/rdb's codec against.

Run by hand (never by ctest) after adding a case or changing the Redis version:
    python3 tests/server_rdb/data/capture_redis.py [--redis-server /usr/bin/redis-server]
It starts redis-server on a free loopback port (no persistence), builds each case's key with ordinary
commands, reads back DUMP, OBJECT ENCODING and the value (GET / LRANGE / SMEMBERS / ZRANGE WITHSCORES /
HGETALL), stops the server and rewrites redis70_dumps.tsv next to this script, one case per line:
    name  type  encoding  compress  list_fill  packed_threshold  payload_hex  items
items are comma-separated hex strings (zset: member hex ':' score text as ZRANGE returns it), in the order
Redis returned them. The options columns say how the server was configured when it dumped the key.
"""
import argparse
import os
import random
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))


class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def _fill(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise EOFError
            self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill(len(self.buf) + 1)
        i = self.buf.index(b"\r\n")
        line, self.buf = self.buf[:i], self.buf[i + 2:]
        return line

    def _read(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            self._fill(n + 2)
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if kind == b"*":
            return [self._read() for _ in range(int(rest))]
        raise ValueError(line)

    def cmd(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))
        return self._read()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cases():
    """(name, setup commands, config overrides) for key 'k'. Deterministic: seeded generator."""
    rnd = random.Random(20240607)
    noise = bytes(rnd.randrange(256) for _ in range(300))
    text = b" ".join(b"word%d" % (i % 37) for i in range(400))
    out = []

    def add(name, cmds, config=None):
        out.append((name, cmds, config or {}))

    # Strings: integer encodings at every width boundary, texts that look numeric but are not, the
    # 20/21-byte LZF threshold, incompressible data, 14-bit and 32-bit lengths.
    for s in [b"", b"a", b"hello world", b"0", b"-1", b"127", b"128", b"-128", b"-129", b"32767", b"32768",
              b"-32768", b"-32769", b"2147483647", b"2147483648", b"-2147483648", b"-2147483649",
              b"12345678901", b"-1234567890", b"9223372036854775807", b"-9223372036854775808",
              b"01", b"-0", b"+1", b" 1", b"1.5", b"a" * 20, b"a" * 21, b"a" * 24, b"a" * 100,
              b"abcabcabcabcabcabcabcabcabcabc", text, noise, bytes(range(256)) * 4, b"x" * 20000,
              b"abcdefghij" * 7000]:
        add("string/%s" % (s[:16].hex() or "empty") + "/%d" % len(s), [["SET", "k", s]])
    add("string/uncompressed", [["SET", "k", b"a" * 100]], {"rdbcompression": "no"})
    add("string/uncompressed_text", [["SET", "k", text]], {"rdbcompression": "no"})

    # Lists: one node, several nodes under the default 8 KiB fill, count and 4 KiB fills, big entries,
    # every listpack integer width, plain nodes.
    add("list/small", [["RPUSH", "k", "a", "b", "c"]])
    add("list/ints", [["RPUSH", "k", "0", "127", "128", "-1", "4095", "-4096", "4096", "32767", "-32769",
                       "8388607", "8388608", "-8388609", "2147483647", "2147483648", "-9223372036854775808",
                       "9223372036854775807", "01", "-0", "x", ""]])
    add("list/1000", [["RPUSH", "k"] + [b"elem-%d" % i for i in range(1000)]])
    add("list/10000ints", [["RPUSH", "k"] + [str(i * 7919 - 50000) for i in range(10000)]])
    add("list/sizes", [["RPUSH", "k"] + [b"v" * n for n in [0, 1, 63, 64, 127, 128, 4095, 4096, 5000, 9000,
                                                            16383, 16384, 100]]])
    add("list/fill5", [["RPUSH", "k"] + [str(i) for i in range(12)]], {"list-max-listpack-size": "5"})
    add("list/fill-1", [["RPUSH", "k"] + [b"item-%04d" % i for i in range(1500)]],
        {"list-max-listpack-size": "-1"})
    add("list/fill-5", [["RPUSH", "k"] + [b"%d" % (i * i) for i in range(20000)]],
        {"list-max-listpack-size": "-5"})
    add("list/plain", [["RPUSH", "k", b"a", b"p" * 150, b"b", b"c", b"q" * 100, b"r" * 99, b"s" * 300]],
        {"debug-packed-threshold": "100"})
    add("list/uncompressed", [["RPUSH", "k"] + [b"elem-%d" % i for i in range(100)]], {"rdbcompression": "no"})

    # Sets: intsets of each width, the 512-entry limit, hash tables.
    add("set/intset16", [["SADD", "k", "3", "1", "2", "-5", "32767", "-32768"]])
    add("set/intset32", [["SADD", "k", "1", "70000", "-70000"]])
    add("set/intset64", [["SADD", "k", "1", "9223372036854775807", "-9223372036854775808"]])
    add("set/intset512", [["SADD", "k"] + [str(i * 3) for i in range(512)]])
    add("set/ht513", [["SADD", "k"] + [str(i * 3) for i in range(513)]])
    add("set/strings", [["SADD", "k", "a", "b", "hello", "01"]])
    add("set/mixed", [["SADD", "k", "1", "2", "x"]])
    add("set/big", [["SADD", "k"] + [b"member-%d-%s" % (i, b"z" * (i % 50)) for i in range(300)]])

    # Sorted sets: listpack score forms (integers up to 2^62, %.17g text, inf), ties ordered by member,
    # the 128-entry and 64-byte limits, skiplists with binary scores.
    add("zset/scores", [["ZADD", "k", "1e17", "a", "3", "b", "1.5", "c", "0.1", "d", "-0", "e", "1e20", "f",
                         "9007199254740992", "g", "inf", "h", "-inf", "i", "-2.5", "j"]])
    add("zset/bounds", [["ZADD", "k", "4611686018427387904", "a", "-4611686018427387904", "b",
                         "4611686018427387905", "c", "9223372036854775808", "d", "4611686018427388928", "e",
                         "-1e300", "f", "5e-324", "g", "123456789012", "h"]])
    add("zset/ties", [["ZADD", "k", "1", "b", "1", "a", "1", "c", "1", "", "0", "z", "2", "\xff"]])
    add("zset/skiplist129", [["ZADD", "k"] + sum([[str(i * 0.5), b"m%d" % i] for i in range(129)], [])])
    add("zset/skiplist_long", [["ZADD", "k", "1", "x" * 65, "2", "y", "inf", "z", "-inf", "w", "0.1", "v"]])
    add("zset/listpack128", [["ZADD", "k"] + sum([[str(i - 64), b"member-%03d" % i] for i in range(128)], [])])

    # Hashes: listpack (insertion order, overwritten fields keep their place), the 64-byte limit,
    # hash tables.
    add("hash/small", [["HSET", "k", "f", "v", "n", "123", "neg", "-7", "empty", ""]])
    add("hash/overwrite", [["HSET", "k", "a", "1", "b", "2", "c", "3"], ["HSET", "k", "a", "x" * 30]])
    add("hash/listpack300", [["HSET", "k"] + sum([[b"field:%d" % i, b"value-%d" % (i * 13)] for i in range(300)],
                                                 [])])
    add("hash/ht_long", [["HSET", "k", "f", "v" * 65, "g", "1"]])
    add("hash/ht600", [["HSET", "k"] + sum([[b"f%d" % i, str(i)] for i in range(600)], [])])
    return out


def capture(redis_server):
    port = free_port()
    proc = subprocess.Popen([redis_server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--enable-debug-command", "yes"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                c = Client(port)
                c.cmd("PING")
                break
            except OSError:
                time.sleep(0.05)
        rows = []
        for name, cmds, config in cases():
            c.cmd("FLUSHALL")
            c.cmd("CONFIG", "SET", "rdbcompression", config.get("rdbcompression", "yes"))
            fill = config.get("list-max-listpack-size", "-2")
            c.cmd("CONFIG", "SET", "list-max-listpack-size", fill)
            threshold = config.get("debug-packed-threshold", str(1 << 30))
            c.cmd("DEBUG", "QUICKLIST-PACKED-THRESHOLD", threshold)
            for cmd in cmds:
                c.cmd(*cmd)
            kind = c.cmd("TYPE", "k")
            encoding = c.cmd("OBJECT", "ENCODING", "k").decode()
            payload = c.cmd("DUMP", "k")
            if kind == "string":
                items = [c.cmd("GET", "k")]
            elif kind == "list":
                items = c.cmd("LRANGE", "k", 0, -1)
            elif kind == "set":
                items = c.cmd("SMEMBERS", "k")
            elif kind == "zset":
                flat = c.cmd("ZRANGE", "k", 0, -1, "WITHSCORES")
                items = [flat[i].hex().encode() + b":" + flat[i + 1] for i in range(0, len(flat), 2)]
            else:
                items = c.cmd("HGETALL", "k")
            if kind != "zset":
                items = [i.hex().encode() for i in items]
            compress = config.get("rdbcompression", "yes")
            rows.append("\t".join([name, kind, encoding, compress, fill, threshold, payload.hex(),
                                   b",".join(items).decode() or "-"]))
        return rows
    finally:
        proc.terminate()
        proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redis-server", default="redis-server")
    args = ap.parse_args()
    rows = capture(args.redis_server)
    version = subprocess.run([args.redis_server, "--version"], capture_output=True, text=True).stdout.strip()
    with open(os.path.join(HERE, "redis70_dumps.tsv"), "w") as f:
        f.write("# %s; written by capture_redis.py\n" % version)
        f.write("\n".join(rows) + "\n")
    print("wrote %d cases" % len(rows))


if __name__ == "__main__":
    main()
