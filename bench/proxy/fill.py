#!/usr/bin/env python3
"""Writes RESP to stdout for `redis-cli --pipe`, to prepare a backend for bench.sh's runs.

  fill.py keys N SIZE   SET key:<i> <SIZE bytes> for i in 0..N-1, the names redis-benchmark -r N uses
                        (key:000000012345: 12 zero-padded digits), so every GET of a run finds its key
  fill.py list SIZE     DEL mylist, then RPUSH mylist with 100 values of SIZE bytes: the list
                        redis-benchmark's LPUSH test grows and the LRANGE mylist 0 99 test reads

bench.sh sends the same data to every backend directly: whichever backend a proxy routes a key to (codis-proxy
by slot, nutcracker by its own hash) holds it, and no proxy command is needed to load them.
Usage: fill.py keys N SIZE | fill.py list SIZE
"""
import sys


def command(*args: bytes) -> bytes:
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


def main() -> int:
    out = sys.stdout.buffer
    if len(sys.argv) == 4 and sys.argv[1] == "keys":
        n, size = int(sys.argv[2]), int(sys.argv[3])
        value = b"x" * size
        chunk = []
        for i in range(n):
            chunk.append(command(b"SET", b"key:%012d" % i, value))
            if len(chunk) == 10000:
                out.write(b"".join(chunk))
                chunk.clear()
        out.write(b"".join(chunk))
    elif len(sys.argv) == 3 and sys.argv[1] == "list":
        value = b"x" * int(sys.argv[2])
        out.write(command(b"DEL", b"mylist"))
        out.write(command(b"RPUSH", b"mylist", *([value] * 100)))
    else:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
