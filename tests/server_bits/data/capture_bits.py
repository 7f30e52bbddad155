#!/usr/bin/env python3
"""Runs bits_cases.txt on a redis-server 7.0 it starts (random loopback port, no persistence) in RESP2
and in RESP3, and writes every command with Redis's raw reply, so bits_redis_test.cc can replay the
cases on codis-server without a Redis at run time.
Usage: capture_bits.py [redis-server binary] < bits_cases.txt > bits_redis70.txt

Output lines: "case NAME PROTO", "cmd WORD WORD ..." (one hex word per argument, "-" for an empty one,
"@HEXPREFIX:FROM:N" for a {seq} expansion), then "reply HEX" (the command's raw RESP reply) or, for
replies over 512 bytes, "replyhash LEN HASH" (MurmurHash64A with seed 0, as ds::hll::murmur64a, in hex).
"""
import random
import re
import shlex
import socket
import subprocess
import sys
import time


def expand(word):
    m = re.fullmatch(r"\{seq:([^:]*):(\d+):(\d+)\}", word)
    if m:
        p, a, n = m.group(1), int(m.group(2)), int(m.group(3))
        return [("seq", p.encode(), a, n)]
    out = bytearray()
    i = 0
    while i < len(word):
        if word.startswith("\\x", i):
            out.append(int(word[i + 2:i + 4], 16))
            i += 4
        else:
            out += word[i].encode()
            i += 1
    return [bytes(out)]


def parse_cases(text):
    cases = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("case "):
            cases.append((line.split()[1], []))
            continue
        argv = []
        for w in shlex.split(line, posix=True):
            argv += expand(w)
        cases[-1][1].append(argv)
    return cases


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def _fill(self):
        d = self.s.recv(1 << 20)
        if not d:
            raise EOFError
        self.buf += d

    def _line(self, pos):
        while True:
            i = self.buf.find(b"\r\n", pos)
            if i >= 0:
                return i
            self._fill()

    def _skip(self, pos):
        # Returns the position after the RESP value at pos.
        end = self._line(pos)
        t, rest = self.buf[pos:pos + 1], self.buf[pos + 1:end]
        after = end + 2
        if t in b"+-:,#_(":
            return after
        if t in b"$!=":
            n = int(rest)
            if n < 0:
                return after
            while len(self.buf) < after + n + 2:
                self._fill()
            return after + n + 2
        if t in b"*~>%|":
            n = int(rest)
            if n < 0:
                return after
            if t in b"%|":
                n *= 2
            for _ in range(n):
                after = self._skip(after)
            return after
        raise ValueError(t)

    def call(self, argv):
        msg = b"*%d\r\n" % len(argv) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in argv)
        self.s.sendall(msg)
        end = self._skip(0)
        raw, self.buf = self.buf[:end], self.buf[end:]
        return raw


def word_text(w):
    if isinstance(w, tuple):
        return f"@{w[1].hex()}:{w[2]}:{w[3]}"
    return w.hex() if w else "-"


def murmur64a(data, seed=0):
    m, r, mask = 0xc6a4a7935bd1e995, 47, (1 << 64) - 1
    h = (seed ^ (len(data) * m)) & mask
    n = len(data) & ~7
    for i in range(0, n, 8):
        k = int.from_bytes(data[i:i + 8], "little")
        k = (k * m) & mask
        k ^= k >> r
        k = (k * m) & mask
        h ^= k
        h = (h * m) & mask
    rest = data[n:]
    if rest:
        for i in reversed(range(len(rest))):
            h ^= rest[i] << (8 * i)
        h = (h * m) & mask
    h ^= h >> r
    h = (h * m) & mask
    h ^= h >> r
    return h


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "redis-server"
    cases = parse_cases(sys.stdin.read())
    port = random.randint(20000, 60000)
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--daemonize", "no"], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                c = Conn(port)
                break
            except OSError:
                time.sleep(0.05)
        print("# captured from redis-server 7.0.15 by capture_bits.py from bits_cases.txt")
        for proto in (2, 3):
            c.call([b"HELLO", str(proto).encode()])
            for name, cmds in cases:
                c.call([b"FLUSHALL"])
                c.call([b"CONFIG", b"SET", b"proto-max-bulk-len", b"536870912"])
                c.call([b"CONFIG", b"SET", b"hll-sparse-max-bytes", b"3000"])
                print(f"case {name} {proto}")
                for words in cmds:
                    argv = []
                    for w in words:
                        argv += [w[1] + str(i).encode() for i in range(w[2], w[2] + w[3])] if isinstance(w, tuple) else [w]
                    print("cmd " + " ".join(word_text(w) for w in words))
                    raw = c.call(argv)
                    if len(raw) > 512:
                        print(f"replyhash {len(raw)} {murmur64a(raw):016x}")
                    else:
                        print("reply " + raw.hex())
    finally:
        proc.kill()
        proc.wait()


main()
