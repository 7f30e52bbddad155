#!/usr/bin/env python3
"""Captures raw COMMAND INFO / COMMAND DOCS replies (RESP2 and RESP3) from a live redis-server 7.0 into
tests/server_intro/data/command_raw.txt for server_intro_test, which compares codis-server's bytes.

usage: capture_raw.py PORT > tests/server_intro/data/command_raw.txt
Line format: <protocol> <subcommand> <name> <reply bytes as hex>. Containers are left out: Redis lists
their subcommands in hash-table order.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "src", "cmd",
                                "tools"))
from gen_command_docs import Conn  # noqa: E402

NAMES = ["get", "set", "sort", "sort_ro", "keys", "randomkey", "object|freq", "slowlog|len", "slowlog|get",
         "xread", "eval", "zunionstore", "migrate", "georadius", "spublish", "bitfield", "lmove", "blmpop",
         "zadd", "zrangebylex", "config|set", "command|docs", "memory|usage", "hello", "psubscribe"]


def main():
    c = Conn(int(sys.argv[1]))
    print("# Raw COMMAND INFO/DOCS replies of redis-server 7.0.15 (tests/server_intro/tools/capture_raw.py).")
    for proto in ("2", "3"):
        c.call("HELLO", proto)
        for sub in ("INFO", "DOCS"):
            for n in NAMES:
                raw = c.call("COMMAND", sub, n)[1]
                print(proto, sub, n, raw.hex())


main()
