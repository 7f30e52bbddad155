// The fork-free snapshot (src/server/persist/snapshot.h) without a disk: a snapshot is begun, the walk
// is stepped a little at a time while the keyspace is overwritten, emptied, expired and swapped under it,
// and the file it produced (read back with the RDB reader) must hold exactly the keyspace at its start.
#include "server/persist/snapshot.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "server/rdb/file_reader.h"

namespace codis::server {
namespace {

using Dump = std::map<std::tuple<uint64_t, std::string>, std::pair<std::string, int64_t>>;

constexpr int64_t kNow = 1'700'000'000'000;

struct Dbs {
  explicit Dbs(size_t n) : dbs(n) {
    for (size_t i = 0; i < n; ++i) {
      dbs[i].set_index(static_cast<int>(i));
    }
  }
  std::vector<Db*> ptrs() {
    std::vector<Db*> v;
    for (auto& d : dbs) {
      v.push_back(&d);
    }
    return v;
  }
  // (db, key) -> (string value, expiry) of the live keys at kNow.
  Dump live() const {
    Dump out;
    for (size_t i = 0; i < dbs.size(); ++i) {
      for (uint32_t s = 0; s < cmd::kSlots; ++s) {
        for (const Entry& e : dbs[i].slot_table(s)) {
          const int64_t x = dbs[i].expire_of(e);
          if (x < 0 || x >= kNow) {
            out[{i, std::string(e.key())}] = {std::string(e.value.str()), x};
          }
        }
      }
    }
    return out;
  }
  std::vector<Db> dbs;
};

Dump read_file(const std::string& bytes) {
  rdb::FileReader r;
  r.feed(bytes);
  r.finish_input();
  Dump out;
  for (;;) {
    auto ev = r.next();
    EXPECT_TRUE(ev.ok()) << ev.error().describe();
    if (!ev.ok() || std::holds_alternative<rdb::EndOfFile>(*ev)) {
      break;
    }
    if (auto* k = std::get_if<rdb::KeyRecord>(&*ev)) {
      const bool fresh = out.emplace(std::make_tuple(k->db, k->key),
                                     std::make_pair(k->object.value.str, k->expire_ms.value_or(-1)))
                             .second;
      EXPECT_TRUE(fresh) << "saved twice: " << k->key;
    }
  }
  return out;
}

SnapshotOptions at_now() {
  SnapshotOptions o;
  o.start_ms = kNow;
  return o;
}

std::string run(Snapshot& s, size_t budget, const std::function<void(int)>& between) {
  std::string file;
  for (int step = 0; !s.done(); ++step) {
    s.step(budget);
    file += s.take();
    between(step);
  }
  return file;
}

TEST(Snapshot, FileIsTheKeyspaceAtItsStartWhateverIsWrittenMeanwhile) {
  Dbs d(3);
  for (int i = 0; i < 3000; ++i) {
    const size_t db = static_cast<size_t>(i % 3);
    d.dbs[db].set("k" + std::to_string(i), Object("v0-" + std::to_string(i)), i % 7 == 0 ? kNow + 60000 : -1);
  }
  d.dbs[1].set("gone-already", Object("x"), kNow - 1);  // expired at the start: not saved
  const Dump at_start = d.live();
  Snapshot s(d.ptrs(), at_now());
  int round = 0;
  const std::string file = run(s, 512, [&](int step) {
    ++round;
    for (int j = 0; j < 40; ++j) {
      const int i = (step * 97 + j * 31) % 3000;
      Db& db = d.dbs[static_cast<size_t>(i % 3)];
      const std::string k = "k" + std::to_string(i);
      switch (j % 5) {
        case 0:
          db.set(k, Object("v" + std::to_string(round)));  // overwrite
          break;
        case 1:
          db.remove(k);
          break;
        case 2:
          db.set("new" + std::to_string(round) + "-" + std::to_string(j), Object("n"));  // born saved
          break;
        case 3:
          if (Entry* e = db.find(k, kNow)) {
            e->value.str().append("+");  // in place, after a lookup
          }
          break;
        case 4:
          if (Entry* e = db.find(k, kNow)) {
            db.set_expire(*e, kNow + 5);
          }
          db.expire_some(kNow + 10, 100);  // the expire cycle, later
          break;
      }
    }
  });
  EXPECT_GT(s.keys_copied(), 0U);
  EXPECT_EQ(read_file(file), at_start);
}

TEST(Snapshot, FlushAndSwapDuringTheWalkKeepTheStart) {
  Dbs d(2);
  for (int i = 0; i < 500; ++i) {
    d.dbs[static_cast<size_t>(i % 2)].set("k" + std::to_string(i), Object("v" + std::to_string(i)));
  }
  const Dump at_start = d.live();
  Snapshot s(d.ptrs(), at_now());
  const std::string file = run(s, 64, [&](int step) {
    if (step == 1) {
      d.dbs[0].swap(d.dbs[1]);  // SWAPDB
    } else if (step == 3) {
      d.dbs[1].clear();  // FLUSHDB
    }
  });
  EXPECT_EQ(read_file(file), at_start);
}

TEST(Snapshot, AbandonedOrFinishedLeavesEveryEntrySavedForTheNext) {
  Dbs d(1);
  for (int i = 0; i < 300; ++i) {
    d.dbs[0].set("k" + std::to_string(i), Object("v"));
  }
  {
    Snapshot first(d.ptrs(), at_now());
    first.step(100);
    first.abandon();
  }
  d.dbs[0].set("later", Object("w"));
  const Dump at_start = d.live();
  Snapshot second(d.ptrs(), at_now());
  EXPECT_EQ(read_file(run(second, 1 << 20, [](int) {})), at_start);
  Snapshot third(d.ptrs(), at_now());
  EXPECT_EQ(read_file(run(third, 256, [](int) {})), at_start);
}

}  // namespace
}  // namespace codis::server
