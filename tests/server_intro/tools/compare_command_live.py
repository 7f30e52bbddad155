#!/usr/bin/env python3
"""Compares COMMAND INFO and COMMAND DOCS for every Redis 7.0 command and subcommand between two running
servers (redis-server and codis-server), in RESP2 and RESP3: byte for byte, or, for containers (whose
subcommands Redis lists in hash-table order), with nested arrays compared as sorted lists.

usage: compare_command_live.py REDIS_PORT CODIS_PORT      (exit status 1 on a difference)
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "src", "cmd",
                                "tools"))
from gen_command_docs import Conn  # noqa: E402


def norm(v):
    if isinstance(v, list):
        return sorted((norm(x) for x in v), key=repr)
    return v


def main():
    r, c = Conn(int(sys.argv[1])), Conn(int(sys.argv[2]))
    names = []
    bad = 0
    for proto in ("2", "3"):
        r.call("HELLO", proto)
        c.call("HELLO", proto)
        if not names:
            for i in r.call("COMMAND", "INFO")[0]:
                names.append(i[0])
                names.extend(s[0] for s in i[9])
        exact = unordered = 0
        for sub in ("INFO", "DOCS"):
            for n in names:
                a, b = r.call("COMMAND", sub, n), c.call("COMMAND", sub, n)
                if a[1] == b[1]:
                    exact += 1
                elif norm(a[0]) == norm(b[0]):
                    unordered += 1
                else:
                    bad += 1
                    print("RESP%s COMMAND %s %s differs:\n  redis %r\n  codis %r" % (proto, sub, n, a[1][:300], b[1][:300]))
        print("RESP%s: %d identical, %d equal up to subcommand order" % (proto, exact, unordered))
    sys.exit(1 if bad else 0)


main()
