#!/usr/bin/env python3
"""Writes the hand-made seeds of the slot_restore fuzzer (fuzz/corpus/slot_restore/), one program per
message kind, and its regressions (fuzz/regressions/slot_restore/), in the input format its header describes. The byte values index the fuzzer's tables
(kKeys, kInts, kElems, kKinds, kDbs, kStates, the start-up payloads): keep them in step.
Usage: fuzz/slot_restore_seeds.py [out-dir]"""
import os
import sys

# Op bytes (the first value of each op range).
RAW, ADVANCE, LINK, RESTORE, ASYNC, AUTH, SELECT, SETSTATE = 0, 10, 20, 30, 70, 180, 200, 220
# Indexes into the fuzzer's tables.
K0, K1, TA, TB = 0, 1, 3, 4  # kKeys: k0, k1, {t}a, {t}b
TTL0, TTL1, TTL100, TTL30S, TTLMAX, TTLNEG = 0, 2, 3, 4, 8, 7  # kInts
SELECT_K, DEL, EXPIRE, OBJECT, LIST, HASH, DICT, ZSET, FROB = 0, 1, 2, 3, 4, 5, 6, 7, 14  # kKinds
A, B, ONE, ONE_HALF, NAN = 0, 1, 3, 7, 12  # kElems
OWNED, IMPORTING, NOT_OWNED, MIGRATING = 0, 1, 2, 3  # kStates
# Start-up payloads: s i l h si ss z e hb sb zb lb.
P_STRING, P_INT, P_LIST, P_HASH, P_INTSET, P_SET, P_ZSET, P_EMPTY, P_BIGHASH, P_BIGSET, P_BIGZSET, P_BIGLIST = range(12)


def valid(i):
    return [i]


def mutated(i, pos, xor, fix_crc=True):
    # (p >> 4) % 4 == 1 mutation; p % 12 picks the payload, so add multiples of 12 until the bits fit.
    p = i
    while (p >> 4) % 4 != 1 or (p & 1) != (1 if fix_crc else 0):
        p += 12
    assert p < 128 and p % 12 == i
    return [p, pos & 0xFF, pos >> 8, xor]


def raw_payload(data):
    return [128, len(data)] + list(data)


def chunk(kind, key, ttl, hint, elems, pairs=False):
    n = len(elems) // 2 if pairs else len(elems)
    assert n < 5 if pairs else n < 7
    return [ASYNC, kind, key, ttl, hint, n] + elems + [0]


def resp(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


SEEDS = {
    # Every kind of async message on a plain server, ending with a failed one (ACK -1, link closed).
    "async_plain": [0]
    + [ASYNC, SELECT_K, 6, 0]  # select 2
    + [ASYNC, DEL, K0, 0]
    + chunk(LIST, K0, TTL30S, TTL0, [A, B, ONE])
    + chunk(LIST, K0, TTL30S, TTL0, [ONE_HALF])
    + [ASYNC, EXPIRE, K0, TTL0, 0]
    + chunk(HASH, K1, TTL30S, TTL1, [A, ONE, B, ONE_HALF], pairs=True)
    + chunk(DICT, TA, TTL30S, TTL1, [ONE, 4, A])
    + chunk(ZSET, TB, TTL100, TTL1, [A, ONE, B, ONE_HALF], pairs=True)
    + [ASYNC, OBJECT, 2, TTL0] + valid(P_LIST) + [0]
    + [ASYNC, OBJECT, 2, TTL0] + valid(P_SET) + [0]  # the key exists: -1
    + chunk(ZSET, TB, TTL0, TTL0, [B, NAN], pairs=True)
    + [ASYNC, FROB, K0, TTL0, 0, 0, 0],
    # SLOTSRESTORE batches: valid payloads of each encoding, a mutated one, raw bytes, a stray argument.
    "restore_plain": [0]
    + [RESTORE, 3, K0, TTL0] + valid(P_STRING) + [K1, TTL30S] + valid(P_BIGHASH)
    + [TA, TTL0] + valid(P_BIGZSET) + [TB, TTL100] + valid(P_INTSET)
    + [RESTORE, 1, 2, TTL0] + valid(P_BIGLIST) + [5, TTL0] + valid(P_BIGSET)
    + [RESTORE, 0, K0, TTL0] + mutated(P_HASH, 3, 0x40)
    + [RESTORE, 0, K0, TTL0] + mutated(P_ZSET, 1, 0x02, fix_crc=False)
    + [RESTORE, 0, K1, TTL0] + raw_payload(b"\x00\x05hello\x0a\x00garbage!")
    + [RESTORE, 0x80, K0, TTLNEG] + valid(P_INT) + [K1]
    + [RESTORE, 1, K0, TTLMAX] + valid(P_EMPTY) + [K1, TTL0] + valid(P_ZSET)
    + [ADVANCE, 0, ADVANCE, 2],
    # Cluster mode owning every slot: a slot moved away takes no keys; importing takes them again.
    "cluster_states": [1 | 4]
    + [SETSTATE, K0, NOT_OWNED, 2]
    + chunk(LIST, K0, TTL0, TTL0, [A])
    + [RESTORE, 0, K0, TTL0] + valid(P_STRING)
    + [SETSTATE, K0, IMPORTING, 2]
    + chunk(LIST, K0, TTL0, TTL0, [A])
    + [RESTORE, 0, K0, TTL0] + valid(P_STRING)
    + [SETSTATE, TA, MIGRATING, 2]
    + [RESTORE, 1, TA, TTL0] + valid(P_LIST) + [K1, TTL0] + valid(P_LIST)
    + [SETSTATE, TA, MIGRATING, 0]  # the same epoch again
    + [SETSTATE, 240, OWNED, 1]  # a stale epoch for the whole range
    + [ASYNC, DEL, TA, 0],
    # Cluster mode owning nothing: every keyed message fails until the dashboard hands slots over.
    "cluster_empty": [1]
    + [ASYNC, DEL, K1, 0]
    + [SETSTATE, K1, OWNED, 2]
    + [ASYNC, OBJECT, K1, TTL30S] + valid(P_BIGZSET) + [0]
    + [ASYNC, SELECT_K, 1, 0]
    + [SETSTATE, 240, IMPORTING, 2],
    # A password: messages before AUTH are refused by the dispatcher, a wrong password acks -1.
    "auth": [2]
    + chunk(LIST, K0, TTL0, TTL0, [A])
    + [AUTH, 1]
    + [AUTH, 0]
    + [SELECT, 2]
    + chunk(LIST, K0, TTL0, TTL0, [A])
    + [LINK, 1]
    + [SELECT, 3]
    + [AUTH, 0, SELECT, 4, SELECT, 0]
    + [ASYNC, 15, 0],  # SLOTSRESTORE-ASYNC "" : argc 2
    # Raw bytes through the request parser: a message split across two feeds, an arity error, junk.
    "raw": [0]
    + [RAW, 40] + list(resp(b"SLOTSRESTORE-ASYNC", b"list", b"k0", b"0", b"0", b"a")[:40])
    + [RAW, len(resp(b"SLOTSRESTORE-ASYNC", b"list", b"k0", b"0", b"0", b"a")) - 40]
    + list(resp(b"SLOTSRESTORE-ASYNC", b"list", b"k0", b"0", b"0", b"a")[40:])
    + [RAW, len(resp(b"SLOTSRESTORE-ASYNC")) + len(resp(b"slotsrestore", b"k0"))]
    + list(resp(b"SLOTSRESTORE-ASYNC") + resp(b"slotsrestore", b"k0"))
    + [RAW, len(b"SLOTSRESTORE-ASYNC del k0\r\n*x\r\n")] + list(b"SLOTSRESTORE-ASYNC del k0\r\n*x\r\n"),
    # TTLs: a chunk's temporary TTL runs out before the key's next chunk arrives.
    "expiry": [0]
    + chunk(HASH, K0, TTL100, TTL0, [A, B], pairs=True)
    + [ADVANCE, 1]
    + chunk(HASH, K0, TTL100, TTL0, [B, A], pairs=True)
    + [ADVANCE, 2]
    + [ASYNC, EXPIRE, K0, TTL0, 0]
    + chunk(LIST, K1, TTLMAX, TTL0, [A])
    + [ASYNC, EXPIRE, K1, TTLMAX, 0],
}

# Minimal inputs for the bugs the fuzzer found (fuzz/regressions/slot_restore/; they failed before the fix).
X_Y = 19  # kElems: "x y", not a number
REGRESSIONS = {
    # A NaN score was taken (resp::parse_double reads "nan"); ZSet::add skipped it, storing an empty zset.
    "zset_chunk_nan_score_stores_empty_zset": [0] + chunk(ZSET, K0, TTL0, TTL0, [A, NAN], pairs=True),
    # A bad score after good pairs left those pairs appended to the existing zset (ACK -1, key changed).
    "zset_chunk_bad_score_appends_half": [0]
    + chunk(ZSET, K0, TTL0, TTL0, [A, ONE], pairs=True)
    + chunk(ZSET, K0, TTL0, TTL0, [B, ONE, 2, X_Y], pairs=True),
    # now + ttl overflowed int64 (UBSan) in SLOTSRESTORE and in every keyed async message.
    "ttl_overflow": [0]
    + [RESTORE, 0, K0, TTLMAX] + valid(P_STRING)
    + chunk(LIST, K1, TTLMAX, TTL0, [A])
    + chunk(LIST, K1, TTL0, TTL0, [A])
    + [ASYNC, EXPIRE, K1, TTLMAX, 0],
}


def write(out, programs):
    os.makedirs(out, exist_ok=True)
    for name, program in programs.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes(program))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    write(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus", "slot_restore"), SEEDS)
    write(os.path.join(here, "regressions", "slot_restore"), REGRESSIONS)


if __name__ == "__main__":
    main()
