#!/usr/bin/env python3
"""Generates src/server/families/command_docs_data.cc: Redis 7.0's COMMAND DOCS reply for every command and
subcommand, as the RESP3 bytes redis-server writes for it, so codis-server's COMMAND DOCS equals Redis's;
and the commands whose COMMAND INFO lists its tips in another order than src/cmd's tip bits (Redis prints
them in declaration order).

Run by hand (never by the build) after a Redis upgrade:
    python3 src/cmd/tools/gen_command_docs.py [--redis-server /usr/bin/redis-server]
It starts redis-server on a free loopback port, asks COMMAND DOCS <name> for each command over RESP3, stops
it and rewrites the .cc (entries sorted by full name, "container|sub" for subcommands).
"""
import argparse
import os
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "server", "families", "command_docs_data.cc")


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def send(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode() if isinstance(a, str) else a
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)

    def _fill(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise EOFError
            self.buf += chunk

    def _line(self, pos):
        while True:
            i = self.buf.find(b"\r\n", pos)
            if i >= 0:
                return i
            self._fill(len(self.buf) + 1)

    def _skip(self, pos):
        """Returns (value, end) of the element at pos; value for strings/ints/aggregates."""
        self._fill(pos + 1)
        end = self._line(pos)
        t, head = self.buf[pos:pos + 1], self.buf[pos + 1:end]
        nxt = end + 2
        if t in b"$=!":
            n = int(head)
            if n < 0:
                return None, nxt
            self._fill(nxt + n + 2)
            return self.buf[nxt:nxt + n].decode(), nxt + n + 2
        if t in b"*~>%|":
            n = int(head)
            if t in b"%|":
                n *= 2
            items = []
            for _ in range(max(n, 0)):
                v, nxt = self._skip(nxt)
                items.append(v)
            return items, nxt
        if t == b":":
            return int(head), nxt
        if t == b"-":
            raise RuntimeError(head.decode())
        return head.decode(), nxt

    def reply(self):
        v, end = self._skip(0)
        raw = self.buf[:end]
        self.buf = self.buf[end:]
        return v, raw

    def call(self, *args):
        self.send(*args)
        return self.reply()


# src/cmd/bits.h tip:: order.
TIP_BITS = [
    "nondeterministic_output", "nondeterministic_output_order",
    "request_policy:all_nodes", "request_policy:all_shards", "request_policy:multi_shard",
    "request_policy:special",
    "response_policy:one_succeeded", "response_policy:all_succeeded", "response_policy:agg_logical_and",
    "response_policy:agg_logical_or", "response_policy:agg_min", "response_policy:agg_max",
    "response_policy:agg_sum", "response_policy:special",
]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def c_literal(b):
    out = []
    for ch in b:
        if ch == 0x5C:
            out.append("\\\\")
        elif ch == 0x22:
            out.append('\\"')
        elif ch == 0x0D:
            out.append("\\r")
        elif ch == 0x0A:
            out.append("\\n")
        elif 0x20 <= ch < 0x7F:
            out.append(chr(ch))
        else:
            out.append("\\%03o" % ch)
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redis-server", default="redis-server")
    args = ap.parse_args()
    port = free_port()
    proc = subprocess.Popen([args.redis_server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--daemonize", "no"], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                c = Conn(port)
                break
            except OSError:
                time.sleep(0.05)
        c.call("HELLO", "3")
        version = [l for l in c.call("INFO", "server")[0].split("\r\n") if l.startswith("redis_version:")][0]
        names = []
        tip_orders = []
        for info in c.call("COMMAND", "INFO")[0]:
            for i in [info] + info[9]:
                names.append(i[0])
                tips = i[7]
                if [TIP_BITS.index(t) for t in tips] != sorted(TIP_BITS.index(t) for t in tips):
                    tip_orders.append((i[0], tips))
        entries = []
        for name in sorted(set(names)):
            c.send("COMMAND", "DOCS", name)
            v, raw = c.reply()
            # %1 $len name <docs>: keep the docs value's bytes.
            prefix = b"%%1\r\n$%d\r\n%s\r\n" % (len(name), name.encode())
            assert raw.startswith(prefix), name
            entries.append((name, raw[len(prefix):]))
    finally:
        proc.kill()
        proc.wait()
    with open(OUT, "w") as f:
        f.write("// Generated by src/cmd/tools/gen_command_docs.py from %s; do not edit.\n" % version)
        f.write("// Redis's COMMAND DOCS value (RESP3 bytes) per command and subcommand, sorted by full name.\n")
        f.write('#include "server/families/command_docs.h"\n\n')
        f.write("// clang-format off\n")
        f.write("namespace codis::server {\n\n")
        f.write("const CommandDoc kRedisCommandDocs[] = {\n")
        for name, raw in entries:
            f.write('    {"%s", std::string_view("%s", %d)},\n' % (name, c_literal(raw), len(raw)))
        f.write("};\n")
        f.write("const size_t kRedisCommandDocsCount = %d;\n\n" % len(entries))
        f.write("const CommandTipOrder kRedisTipOrders[] = {\n")
        for name, tips in sorted(tip_orders):
            f.write('    {"%s", {%s}},\n' % (name, ", ".join('"%s"' % t for t in tips)))
        f.write("};\n")
        f.write("const size_t kRedisTipOrdersCount = %d;\n\n" % len(tip_orders))
        f.write("}  // namespace codis::server\n")
        f.write("// clang-format on\n")
    print("wrote %d entries to %s" % (len(entries), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
