#!/usr/bin/env python3
"""Captures a transcript for tests/server/data from a live server (redis-server 7.0 or codis-server).

usage: rc.py PORT < commands > transcript

Each input line is one command, split like redis-cli/sdssplitargs would ("a b", '', \\x00 escapes are
not supported: keep test commands simple). Output lines are `command => reply` with replies rendered as
tests/server/render.cc does. Lines starting with '#' or '!' are copied through (directives for the
replay: !advance MS, !client N). A command written `~ cmd` is compared ignoring the order of the
reply's elements (and, for SCAN, of the key list).
"""
import shlex
import socket
import sys


def quote(b):
    out = "'"
    for c in b:
        ch = chr(c)
        if ch in "\\'":
            out += "\\" + ch
        elif ch == "\n":
            out += "\\n"
        elif ch == "\r":
            out += "\\r"
        elif ch == "\t":
            out += "\\t"
        elif c < 0x20 or c >= 0x7F:
            out += "\\x%02x" % c
        else:
            out += ch
    return out + "'"


def main():
    port = int(sys.argv[1])
    conns = {}

    def conn(n):
        if n not in conns:
            s = socket.create_connection(("127.0.0.1", port))
            conns[n] = (s, s.makefile("rb"))
        return conns[n]

    cur = 0

    def rd(f):
        line = f.readline()
        if not line:
            return "<closed>"
        t, rest = line[:1], line[1:-2].decode("latin1")
        if t in (b"+", b"-", b":"):
            return t.decode() + rest
        if t in (b"$", b"!", b"="):
            n = int(rest)
            if n < 0:
                return "(nil)"
            d = f.read(n + 2)[:-2]
            if t == b"=":
                return "=" + quote(d[4:])
            return ("-" + d.decode("latin1")) if t == b"!" else quote(d)
        if t in (b"*", b"%", b"~", b">"):
            n = int(rest)
            if n < 0:
                return "(nilarr)"
            if t == b"%":
                n *= 2
            return "[" + ", ".join(rd(f) for _ in range(n)) + "]"
        if t == b"_":
            return "(null)"
        return t.decode() + rest

    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            print(line)
            continue
        if line.startswith("!"):
            print(line)
            if line.startswith("!client "):
                cur = int(line.split()[1])
            elif line.startswith("!advance "):
                import time
                time.sleep(int(line.split()[1]) / 1000.0)
            continue
        # "~ cmd": the reply is compared ignoring the order of its elements (KEYS, SCAN...).
        args = shlex.split(line[2:] if line.startswith("~ ") else line)
        s, f = conn(cur)
        out = b"*%d\r\n" % len(args)
        for a in args:
            b = a.encode("latin1")
            out += b"$%d\r\n%s\r\n" % (len(b), b)
        s.sendall(out)
        print(line, "=>", rd(f))


main()
