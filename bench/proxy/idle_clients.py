#!/usr/bin/env python3
"""The RSS of a proxy with many idle clients: opens COUNT connections to 127.0.0.1:PORT, sends PING on each
and waits for every reply (so the proxy has accepted and set up every client), waits SETTLE seconds, reads
VmRSS of process PID, then closes them all.

Prints one line: <RSS before, bytes> <RSS with the clients, bytes> <clients that got +PONG>.
Usage: idle_clients.py PORT COUNT PID [SETTLE=0.5]
"""
import resource
import socket
import sys
import time


def rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def main() -> int:
    if len(sys.argv) not in (4, 5):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    port, count, pid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    settle = float(sys.argv[4]) if len(sys.argv) == 5 else 0.5
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = count + 64
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want if hard == resource.RLIM_INFINITY else min(want, hard), hard))

    before = rss(pid)
    socks = []
    try:
        for _ in range(count):
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=10))
    except OSError as e:
        print(f"idle_clients: connection {len(socks) + 1} of {count}: {e}", file=sys.stderr)
    ok = 0
    for s in socks:
        try:
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
        except OSError:
            pass
    for s in socks:
        reply = b""
        try:
            while not reply.endswith(b"\r\n"):
                data = s.recv(64)
                if not data:
                    break
                reply += data
        except OSError:
            pass
        ok += reply == b"+PONG\r\n"
    time.sleep(settle)
    with_clients = rss(pid)
    for s in socks:
        s.close()
    print(before, with_clients, ok)
    return 0


if __name__ == "__main__":
    sys.exit(main())
