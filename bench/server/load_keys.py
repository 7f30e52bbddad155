#!/usr/bin/env python3
"""Writes SET key:<i> <value> for i in 0..N-1 as RESP to stdout, for `redis-cli --pipe`.

The memory test needs the same keys and values in both servers (redis-benchmark -r fills random keys
only), and a loader that does not depend on server-specific commands such as DEBUG POPULATE.
Usage: load_keys.py N VALUE_BYTES
"""
import sys


def main() -> None:
    n, size = int(sys.argv[1]), int(sys.argv[2])
    out = sys.stdout.buffer
    chunk = []
    for i in range(n):
        key = b"key:%d" % i
        # Zero-padded digits: distinct per key, and never a candidate for integer encoding.
        value = (b"%0*d" % (size, i))[-size:]
        chunk.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value))
        if len(chunk) == 10000:
            out.write(b"".join(chunk))
            chunk.clear()
    out.write(b"".join(chunk))
    out.flush()


if __name__ == "__main__":
    main()
