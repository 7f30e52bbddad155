#!/usr/bin/env python3
"""redis-py (Debian's python3-redis) through codis-proxy over three cluster-mode codis-servers: what an
application does with a client library (pipelines, WATCH/MULTI/EXEC, pub/sub with a subscriber thread,
scan_iter, MGET/MSET across slots) works as against one Redis, and the proxy's errors reach the
application as the library's exceptions.

    redis_py_test.py --server build/src/server/codis-server --proxy build/src/proxy/codis-proxy

Every process is started on a free 127.0.0.1 port (port 0, read back from its banner) and killed by PID
however the test ends. Exit status 77 (ctest's SKIP_RETURN_CODE) when the redis module is missing.
"""

import argparse
import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

try:
    import redis
except ImportError:
    print("python3-redis is not installed: skipped")
    sys.exit(77)

GROUPS = 3
PR_SET_PDEATHSIG = 1
ARGS = None
CLUSTER = None


def die_with_parent():
    """In the child before exec: SIGKILL when this test dies, even by SIGKILL (ctest's timeout)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class Cluster:
    """codis-servers in cluster mode and a codis-proxy routing an equal share of the slots to each."""

    def __init__(self, server_bin, proxy_bin, groups):
        self.procs = []
        self.dir = tempfile.mkdtemp(prefix="codis-redis-py-")
        try:
            self.servers = [self._start([server_bin, "--port", "0", "--cluster-mode", "yes",
                                         "--logfile", os.path.join(self.dir, "server%d.log" % g)],
                                        "codis-server listening on ") for g in range(groups)]
            # A cluster-mode server starts owning no slot (docs/slots.md): give each its run.
            for g, p in enumerate(self.servers):
                c = redis.Redis(host="127.0.0.1", port=p, socket_timeout=10)
                c.execute_command("SLOTSSETSTATE", "%d-%d" % (g * 1024 // groups, (g + 1) * 1024 // groups - 1),
                                  "owned", "-", "1")
                c.close()
            routing = {"epoch": 1,
                       "groups": [{"id": g + 1, "master": "127.0.0.1:%d" % p}
                                  for g, p in enumerate(self.servers)],
                       "slots": [{"range": [g * 1024 // groups, (g + 1) * 1024 // groups - 1], "group": g + 1}
                                 for g in range(groups)]}
            slots = os.path.join(self.dir, "routing.json")
            with open(slots, "w") as f:
                json.dump(routing, f)
            self.port = self._start([proxy_bin, "--slots", slots, "--listen", "127.0.0.1:0", "--admin", "",
                                     "--threads", "2", "--logfile", os.path.join(self.dir, "proxy.log")],
                                    "codis-proxy listening on ")
        except BaseException:
            self.stop()
            raise

    def _start(self, argv, banner):
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             preexec_fn=die_with_parent)
        self.procs.append(p)
        deadline = time.time() + 10
        while time.time() < deadline:
            line = p.stdout.readline()
            if not line:
                raise RuntimeError("%s exited: %s" % (argv[0], p.wait()))
            if banner in line:
                return int(line.split(banner)[1].split()[0].rsplit(":", 1)[1])
        raise RuntimeError("%s did not print its port within 10 s" % argv[0])

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()

    def client(self, **kw):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=10, decode_responses=True, **kw)


def slot_keys(prefix, n):
    """n keys that spread over every group (different slots, no hash tag)."""
    return ["%s:%d" % (prefix, i) for i in range(n)]


class ThroughProxy(unittest.TestCase):
    def setUp(self):
        self.r = CLUSTER.client()
        self.r.flushall()

    def tearDown(self):
        self.r.close()

    def test_pipeline_across_slots_keeps_order(self):
        keys = slot_keys("p", 500)
        pipe = self.r.pipeline(transaction=False)
        for i, k in enumerate(keys):
            pipe.set(k, i)
            pipe.incr(k)
            pipe.get(k)
        got = pipe.execute()
        want = []
        for i in range(len(keys)):
            want += [True, i + 1, str(i + 1)]
        self.assertEqual(got, want)
        self.assertEqual(self.r.dbsize(), len(keys))

    def test_pipeline_error_in_the_middle(self):
        self.r.set("str", "x")
        pipe = self.r.pipeline(transaction=False)
        pipe.set("a", 1).lpush("str", "y").get("a")
        got = pipe.execute(raise_on_error=False)
        self.assertEqual(got[0], True)
        self.assertIsInstance(got[1], redis.ResponseError)
        self.assertIn("WRONGTYPE", str(got[1]))
        self.assertEqual(got[2], "1")
        with self.assertRaises(redis.ResponseError):
            self.r.pipeline(transaction=False).lpush("str", "y").execute()

    def test_mset_mget_across_slots(self):
        keys = slot_keys("m", 200)
        self.assertTrue(self.r.mset({k: "v" + k for k in keys}))
        self.assertEqual(self.r.mget(keys + ["nope"]), ["v" + k for k in keys] + [None])
        self.assertEqual(self.r.exists(*keys), len(keys))
        self.assertEqual(self.r.delete(*keys[:50]), 50)
        self.assertEqual(self.r.mget(keys[:2]), [None, None])

    def test_transaction_with_watch_on_one_slot(self):
        self.r.set("{acct}:a", 100)
        self.r.set("{acct}:b", 0)

        def move(pipe):
            a = int(pipe.get("{acct}:a"))
            pipe.multi()
            pipe.set("{acct}:a", a - 30)
            pipe.incrby("{acct}:b", 30)

        self.assertEqual(self.r.transaction(move, "{acct}:a"), [True, 30])
        self.assertEqual(self.r.mget("{acct}:a", "{acct}:b"), ["70", "30"])

        # Another client touches the watched key between WATCH and EXEC: EXEC does not run.
        other = CLUSTER.client()
        with self.r.pipeline() as pipe:
            pipe.watch("{acct}:a")
            other.set("{acct}:a", 0)
            pipe.multi()
            pipe.set("{acct}:b", "lost")
            with self.assertRaises(redis.WatchError):
                pipe.execute()
        other.close()
        self.assertEqual(self.r.get("{acct}:b"), "30")

        # A plain MULTI/EXEC pipeline.
        got = self.r.pipeline(transaction=True).incr("{t}:n").incr("{t}:n").get("{t}:n").execute()
        self.assertEqual(got, [1, 2, "2"])

    def test_transaction_across_slots_is_refused(self):
        pipe = self.r.pipeline(transaction=True)
        pipe.set("x1", 1).set("x2", 2)
        # The proxy refuses the second slot's command as it is queued (EXEC then aborts): redis-py raises it.
        with self.assertRaisesRegex(redis.ResponseError, "must hash to one slot"):
            pipe.execute()
        self.assertEqual(self.r.exists("x1", "x2"), 0)

    def test_pubsub_subscriber_thread_and_publisher(self):
        sub = CLUSTER.client()
        p = sub.pubsub(ignore_subscribe_messages=True)
        p.subscribe("news", "sport")
        p.psubscribe("w*")
        # redis-py does not wait for the confirmations: wait until the servers hold the subscriptions, or the
        # first PUBLISH may come first (as it may against one Redis, if rarely).
        deadline = time.time() + 10
        while time.time() < deadline and (
                self.r.pubsub_numsub("news", "sport") != [("news", 1), ("sport", 1)] or self.r.pubsub_numpat() != 1):
            time.sleep(0.01)
        got = []
        done = threading.Event()

        def reader():
            # get_message returns None for a confirmation it ignores too: only the deadline ends the wait.
            deadline = time.time() + 10
            while len(got) < 30 and time.time() < deadline:
                m = p.get_message(timeout=1)
                if m is not None:
                    got.append((m["type"], m["channel"], m["data"]))
            done.set()

        t = threading.Thread(target=reader)
        t.start()
        want = []
        for i in range(10):
            self.assertEqual(self.r.publish("news", "n%d" % i), 1)
            self.assertEqual(self.r.publish("sport", "s%d" % i), 1)
            self.assertEqual(self.r.publish("weather%d" % i, "w%d" % i), 1)
            want += [("message", "news", "n%d" % i), ("message", "sport", "s%d" % i),
                     ("pmessage", "weather%d" % i, "w%d" % i)]
        self.assertTrue(done.wait(10))
        t.join()
        # Every message arrives once, and each channel's in publish order. Channels of different groups reach
        # the proxy over different server connections, so their messages may interleave differently than
        # they were published (as in Redis Cluster); docs/proxy.md says so.
        self.assertEqual(sorted(got), sorted(want))
        for ch in ("news", "sport"):
            self.assertEqual([m for m in got if m[1] == ch], [m for m in want if m[1] == ch])
        self.assertEqual(self.r.pubsub_numsub("news", "nobody"), [("news", 1), ("nobody", 0)])
        self.assertEqual(self.r.pubsub_numpat(), 1)
        p.unsubscribe("news")
        p.punsubscribe()
        for _ in range(2):
            p.get_message(timeout=1)
        self.assertEqual(self.r.publish("news", "late"), 0)
        p.close()
        sub.close()

    def test_scan_iter_covers_the_cluster(self):
        keys = set(slot_keys("sc", 600))
        self.r.mset({k: 1 for k in keys})
        self.r.set("other", 1)
        self.assertEqual(set(self.r.scan_iter(match="sc:*", count=37)), keys)
        self.assertEqual(set(self.r.scan_iter()), keys | {"other"})
        self.assertEqual(set(self.r.keys("sc:*")), keys)
        self.r.hset("h", mapping={"f%d" % i: i for i in range(300)})
        self.assertEqual(dict(self.r.hscan_iter("h", count=20)), {"f%d" % i: str(i) for i in range(300)})

    def test_errors_are_exceptions(self):
        self.r.set("s", "x")
        with self.assertRaisesRegex(redis.ResponseError, "^WRONGTYPE"):
            self.r.lpush("s", "y")
        with self.assertRaisesRegex(redis.ResponseError, "CROSSSLOT"):
            self.r.rename("a1", "b2")
        with self.assertRaisesRegex(redis.ResponseError, "not supported by codis-proxy"):
            self.r.move("s", 1)
        with self.assertRaisesRegex(redis.ResponseError, "unknown command"):
            self.r.execute_command("NOSUCH", "a")
        with self.assertRaisesRegex(redis.ResponseError, "wrong number of arguments"):
            self.r.execute_command("GET")
        with self.assertRaisesRegex(redis.ResponseError, "not an integer"):
            self.r.incrby("s", 1)
        # The connection is still good after all of them.
        self.assertEqual(self.r.get("s"), "x")
        self.assertTrue(self.r.ping())

    def test_client_name_and_echo(self):
        self.assertEqual(self.r.client_setname("app"), True)
        self.assertEqual(self.r.client_getname(), "app")
        self.assertEqual(self.r.echo("hi"), "hi")


def main():
    global ARGS, CLUSTER
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--proxy", required=True)
    ARGS, rest = parser.parse_known_args()
    CLUSTER = Cluster(ARGS.server, ARGS.proxy, GROUPS)
    try:
        result = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2).result
    finally:
        CLUSTER.stop()
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
