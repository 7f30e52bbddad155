#!/usr/bin/env python3
"""Writes the hand-made seeds of the proxy_router fuzzer (fuzz/corpus/proxy_router/) in the input format
its header describes: a 2-byte little-endian length, that many bytes of client requests, then the reply
material (per routed job: a width byte, then per call a mode byte and what that mode reads).
Usage: fuzz/proxy_router_seeds.py [out-dir]"""
import os
import struct
import sys

# Reply modes (mode % 8): 0..5 the reply the merge expects, 6 any reply, 7 an error (with bit 3: MOVED).
EXPECTED, ANY, ERROR, MOVED = 0, 6, 7, 15
# some_integer: a byte < 128 is itself % 8; 192 + i for i % 9 picks an edge (194: INT64_MAX, 195: INT64_MIN).
INT64_MAX, INT64_MIN = 194, 195


def resp(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def seed(requests, material=b""):
    return struct.pack("<H", len(requests)) + requests + bytes(material)


def cmds(*lines):
    return b"".join(resp(*line.split(b" ")) for line in lines)


SEEDS = {
    # MGET over four slots with a repeated key, answered with bulks and nulls in each call's array.
    "mget_spread": seed(cmds(b"MGET a {t}1 b a {t}2 c {t}3"),
                        [0] + [EXPECTED, 2, 1, 0, 3, 0, 4] * 4 + [EXPECTED, 1, 7, 2, 0, 1]),
    "mget_one_slot": seed(cmds(b"mget {x}1 {x}2 {x}3"), [0, EXPECTED, 2, 5, 2, 4, 3, 6]),
    # DEL and EXISTS with duplicates, TOUCH and UNLINK: per-call counts summed.
    "del_exists_dups": seed(cmds(b"DEL a a b {t}x", b"EXISTS a a b {t}x", b"TOUCH a b", b"UNLINK {t}a {t}b"),
                            [0, EXPECTED, 2, EXPECTED, 1, EXPECTED, 0] * 4),
    # Sums at the edges of int64: one fits, one overflows.
    "sum_edges": seed(cmds(b"DEL a b", b"EXISTS a b"),
                      [0, EXPECTED, INT64_MAX, EXPECTED, 0, 0, EXPECTED, INT64_MAX, EXPECTED, INT64_MAX]),
    "sum_negative": seed(cmds(b"UNLINK a b c"), [0, EXPECTED, INT64_MIN, EXPECTED, INT64_MIN, EXPECTED, 1]),
    # MSET: values travel with their keys; an odd count is Redis's arity error; MSETNX is single-slot.
    "mset": seed(cmds(b"MSET a 1 b 2 {t}x 3 a 4", b"MSET a 1 b", b"MSETNX a 1 b 2", b"MSETNX {a}1 x {a}2 y"),
                 [0, EXPECTED, EXPECTED, EXPECTED, 0, EXPECTED]),
    "slotsrestore": seed(cmds(b"SLOTSRESTORE a 0 p1 {t}b 10 p2 c 0 p3", b"SLOTSRESTORE a 0 p1 b"),
                         [0, EXPECTED, EXPECTED, EXPECTED]),
    # All-group commands and their merges.
    "all_groups": seed(cmds(b"DBSIZE", b"FLUSHALL ASYNC", b"SCRIPT EXISTS a b c", b"SCRIPT LOAD return",
                            b"SCRIPT FLUSH", b"FUNCTION FLUSH"),
                       [0, EXPECTED, 3, EXPECTED, 4, EXPECTED, 5]
                       + [0, EXPECTED, EXPECTED, EXPECTED]
                       + [3, EXPECTED, 1, 1, 1, EXPECTED, 1, 0, 1, EXPECTED, 1, 1, 0]
                       + [0, EXPECTED, 1, EXPECTED, 1, EXPECTED, 0]
                       + [0, EXPECTED, EXPECTED, ERROR]),
    # Single-slot commands: keys, hash tags, keyless EVAL, CROSSSLOT, key-extraction errors.
    "single_slot": seed(cmds(b"GET user:1", b"SET {t}k v EX 10", b"SUNION {user1}:a {user1}:b x{user1}y",
                             b"SUNION a b", b"EVAL return 0", b"EVAL return 2 {k}1 {k}2 arg", b"EVAL s x",
                             b"EVAL s -1", b"EVAL s 3 a b", b"ZUNIONSTORE d 0 a", b"XREAD COUNT 1 a 0",
                             b"SUNION {}a {}b"),
                        [0, ANY, 3, 1, 65, 0, ANY, 13, 2, 0, 0]),
    # Slot argument, any group, COMMAND, and commands the router refuses.
    "slot_argument": seed(cmds(b"SLOTSSCAN 5 0 COUNT 10", b"SLOTSSCAN 1024 0", b"SLOTSSCAN 01023 0",
                               b"SLOTSSCAN x 0", b"TIME", b"COMMAND INFO get", b"KEYS *", b"PING", b"RANDOMKEY")),
    # Inline commands go through the same parser.
    "inline": seed(b"mget a b c\r\ndel a b\r\nexists {t}a {t}b\r\ndbsize\r\n"),
    # Errors and MOVED from backends: the first in call order wins.
    "backend_errors": seed(cmds(b"MGET a b c {t}d", b"DEL a b c"),
                           [0, EXPECTED, 1, 2, ERROR, MOVED, EXPECTED, 0, 0, ERROR, EXPECTED, 1]),
    # Replies of any shape (aggregates, RESP3 types, attributes) where the merge expected something else.
    "any_replies": seed(cmds(b"MGET a b", b"DEL a b", b"MSET a 1 b 2", b"DBSIZE", b"SCRIPT EXISTS a"),
                        [0, ANY, 13, 3, 3, 97, 98, 99, 2, 4, ANY, 14, 2, 0, 5]
                        + [0, ANY, 2, 5, ANY, 6, 1]
                        + [0, ANY, 12, ANY, 11]
                        + [0, ANY, 13, 0, ANY, 7, ANY, 17, 0]
                        + [1, ANY, 13, 1, 2, EXPECTED, 1]),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "proxy_router")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
