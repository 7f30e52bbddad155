#!/usr/bin/env python3
"""Writes the hand-made seeds of the migration_link fuzzer (fuzz/corpus/migration_link/), in the input
format its header describes: a successful async batch (small and chunked values), a refused ACK, a timeout
(sync and async), a cancel, sync moves, replies cut at every byte, and a target that acknowledges with
malformed ACKs. The byte values index the fuzzer's tables (kKeys, kForms, the timeouts, kMaxBulks,
kMaxBytes, kSlotChoices, canned()): keep them in step.
Usage: fuzz/migration_link_seeds.py [out-dir]"""
import os
import sys

# Op bytes (the first value of each op range).
ANSWER, CANNED, PARTIAL, RELEASE, RAW, CLOSE, EAGER, ADVANCE, MIGRATE, WRITER, ADMIN = (
    0, 40, 70, 80, 85, 90, 95, 100, 140, 180, 240)
# Configuration bits.
PASSWORD, DB1, SEG1, SEG3, CODIS_CPP, EAGER_START = 1, 2, 4, 8, 16, 32
# kKeys.
A, B, T1, T2, TLIST, THASH, TSET, TZSET, ULIST, C = range(10)
# Forms.
ONE, TAGONE, SLOT, TAGSLOT, ONE_ASYNC, TAGONE_ASYNC, SLOT_ASYNC, TAGSLOT_ASYNC = range(8)
# kAdvance: 200 us, 1 ms, 3 ms, 10 ms, 50 ms, 150 ms, 1.1 s, 31 s.
US200, MS1, MS3, MS10, MS50, MS150, S1, S31 = range(8)
# Timeouts: sync 100 ms, 5, 20, 200 ms; async 5, 20, 200, 1000 ms, 30 s.
SYNC_100MS, SYNC_5MS, SYNC_20MS, SYNC_200MS = range(4)
ASYNC_5MS, ASYNC_20MS, ASYNC_200MS, ASYNC_1S, ASYNC_30S = range(5)
# kMaxBulks: 1, 2, 3, 1000; kMaxBytes: 1, 60, 300, 256 KiB, 2000.
BULKS1, BULKS2, BULKS3, BULKS_DEFAULT = range(4)
BYTES1, BYTES60, BYTES300, BYTES_DEFAULT, BYTES2000 = range(5)
# kSlotChoices: {t}'s slot, a's, {u}'s, 0.
SLOT_T, SLOT_A, SLOT_U, SLOT_0 = range(4)
# canned().
OK, ERR, PONG, ONE_INT, ZERO_INT, EMPTY, NIL, GOOD_ACK, ACK_REFUSED, ACK_1, ACK_ABC = range(11)
ACK_ERRNO_ERROR, ACK_ERRNO_BIGNUM = 18, 19
STATUS, FENCE, CANCEL = 0, 1, 2


def migrate_async(form, timeout, bulks, nbytes, what, extra=None, numkeys=None):
    out = [MIGRATE, form, timeout, bulks, nbytes, what]
    if form in (ONE_ASYNC, TAGONE_ASYNC):
        extra = extra or []
        out += [len(extra)] + extra
    else:
        out += [numkeys or 0]
    return out


def migrate_sync(form, timeout, what):
    return [MIGRATE, form, timeout, 0, 0, what]


# After a migration command: answer the link's PING, then its SLOTSSTATE probe (each once it arrived), so
# the messages come next.
SETUP = [ADVANCE, MS1, ANSWER, 0, ADVANCE, MS1, ANSWER, 0, ADVANCE, MS1]


def get(k):
    return [WRITER, (k * 3) + 0]


def set_(k):
    return [WRITER, (k * 3) + 1]


def incr(k):
    return [WRITER, (k * 3) + 2]


SEEDS = {
    # A codis-cpp target that answers everything: two keys, one of them a list sent in chunks of 1.
    "async_ok": [CODIS_CPP | EAGER_START]
    + migrate_async(ONE_ASYNC, ASYNC_200MS, BULKS1, BYTES300, TLIST, [A])
    + [ADVANCE, MS10] + get(A) + set_(A) + incr(A) + get(A) + [ADMIN, STATUS],
    # Tag mates of a slot, hash/set/zset chunked, with a Codis target (no stamps) in db 1 and a password.
    "async_tagslot_ok": [EAGER_START | DB1 | PASSWORD]
    + migrate_async(TAGSLOT_ASYNC, ASYNC_1S, BULKS2, BYTES60, SLOT_T, numkeys=3)
    + [ADVANCE, MS50] + migrate_async(TAGSLOT_ASYNC, ASYNC_1S, BULKS2, BYTES60, SLOT_T, numkeys=3)
    + [ADVANCE, MS50, ADMIN, FENCE],
    # The target answers the link's set-up and the first message, then refuses the object (errno -1):
    # the key stays and the writer's SET meanwhile got TRYAGAIN.
    "async_refused": [CODIS_CPP]
    + migrate_async(ONE_ASYNC, ASYNC_1S, BULKS_DEFAULT, BYTES_DEFAULT, A)
    + SETUP + set_(A)
    + [CANNED, GOOD_ACK, CANNED, ACK_REFUSED, ADVANCE, MS10] + get(A) + set_(A),
    # Silence: the async batch times out (5 ms) after the set-up, the sync move (5 ms) before it.
    "timeouts": [0]
    + migrate_async(ONE_ASYNC, ASYNC_5MS, BULKS_DEFAULT, BYTES_DEFAULT, B)
    + SETUP + [ADVANCE, MS10] + get(B)
    + migrate_sync(ONE, SYNC_5MS, A) + [ADVANCE, MS10, ADVANCE, MS10] + incr(A),
    # A slot batch half acknowledged, looked at, fenced and cancelled; then moved by an eager target.
    "cancel": [CODIS_CPP]
    + migrate_async(TAGSLOT_ASYNC, ASYNC_30S, BULKS1, BYTES60, SLOT_T, numkeys=2)
    + SETUP + [ANSWER, 3, ADVANCE, MS1, ADMIN, STATUS, ADMIN, FENCE]
    + set_(T1) + [ADMIN, CANCEL, ADVANCE, MS10] + set_(T1)
    + [EAGER] + migrate_async(TAGSLOT_ASYNC, ASYNC_200MS, BULKS1, BYTES60, SLOT_T, numkeys=2)
    + [ADVANCE, MS50, ADMIN, STATUS],
    # Sync moves: one key, then a tag's keys by slot, to an eager target; then one refused with -ERR.
    "sync_ok": [EAGER_START | PASSWORD]
    + migrate_sync(ONE, SYNC_200MS, A) + [ADVANCE, MS3]
    + migrate_sync(TAGSLOT, SYNC_200MS, SLOT_T) + [ADVANCE, MS3]
    + set_(A) + [EAGER] + migrate_sync(ONE, SYNC_200MS, A) + [ADVANCE, MS1, CANNED, ERR, ADVANCE, MS3] + get(A),
    # One byte per segment and ACKs cut in two around time advances.
    "split_replies": [SEG1 | CODIS_CPP]
    + migrate_async(ONE_ASYNC, ASYNC_200MS, BULKS_DEFAULT, BYTES_DEFAULT, C)
    + SETUP + [ADVANCE, MS10, PARTIAL, GOOD_ACK, 20, ADVANCE, MS3, RELEASE,
       PARTIAL, GOOD_ACK, 5, ADVANCE, MS3, ANSWER, 0, ADVANCE, MS10] + get(C),
    # A target whose ACKs carry errno as an error or a big number "0": not an acknowledgement.
    "malformed_acks": [CODIS_CPP]
    + migrate_async(ONE_ASYNC, ASYNC_200MS, BULKS_DEFAULT, BYTES_DEFAULT, B)
    + SETUP + [CANNED, ACK_ERRNO_ERROR, CANNED, ACK_ERRNO_BIGNUM, ADVANCE, MS10]
    + migrate_async(ONE_ASYNC, ASYNC_200MS, BULKS_DEFAULT, BYTES_DEFAULT, B)
    + SETUP + [CANNED, ACK_ERRNO_BIGNUM, CANNED, ACK_ERRNO_ERROR, ADVANCE, MS10]
    + get(B),
    # The target closes the link mid-batch; the next batch opens a new one (killing the old one first).
    "close_midway": [CODIS_CPP]
    + migrate_async(ONE_ASYNC, ASYNC_200MS, BULKS1, BYTES1, TZSET)
    + SETUP + [ANSWER, 2, CLOSE, 0, ADVANCE, MS3, EAGER]
    + migrate_async(ONE_ASYNC, ASYNC_200MS, BULKS1, BYTES1, TZSET) + [ADVANCE, MS50],
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus", "migration_link")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        assert all(0 <= b < 256 for b in data), name
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes(data))


if __name__ == "__main__":
    main()
