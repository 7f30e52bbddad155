// HSCAN: Redis's cursor parsing and option errors, small hashes in one call, and for large hashes
// Redis's COUNT and the SCAN guarantees (every field present throughout is returned; none twice while the
// table only grows) across writes between calls.
#include <functional>
#include <map>
#include <set>

#include "tests/server/raw_fixture.h"
#include "tests/server/resp_expect.h"

namespace codis::server::testing {
namespace {

class HashScan : public RawServerTest {
 protected:
  void fill(std::string key, int from, int to) {
    std::vector<std::string> args{"hset", key};
    for (int i = from; i < to; ++i) {
      args.push_back("f" + std::to_string(i));
      args.push_back("v" + std::to_string(i));
    }
    run(args);
  }

  // Runs a full scan; calls `between` after each call. Returns every field seen, with repeats.
  std::vector<std::string> full_scan(const std::string& key, std::vector<std::string> opts,
                                     const std::function<void(int)>& between = {}, int* calls = nullptr) {
    std::vector<std::string> seen;
    std::string cursor = "0";
    int n = 0;
    do {
      std::vector<std::string> args{"hscan", key, cursor};
      args.insert(args.end(), opts.begin(), opts.end());
      resp::Value v = value(args);
      EXPECT_EQ(v.kind, resp::Kind::kArray);
      if (v.elems.size() != 2) {
        ADD_FAILURE() << "bad reply";
        break;
      }
      cursor = v.elems[0].str;
      auto kv = strings(v.elems[1]);
      EXPECT_EQ(kv.size() % 2, 0u);
      for (size_t i = 0; i + 1 < kv.size(); i += 2) {
        EXPECT_EQ("v" + kv[i].substr(1), kv[i + 1]);
        seen.push_back(kv[i]);
      }
      if (between) {
        between(n);
      }
      ++n;
    } while (cursor != "0" && n < 100000);
    if (calls) {
      *calls = n;
    }
    return seen;
  }
};

TEST_F(HashScan, MissingKeyIgnoresOptions) {
  EXPECT_EQ(run({"hscan", "nokey", "0"}), "*2\r\n" + bulk("0") + "*0\r\n");
  EXPECT_EQ(run({"hscan", "nokey", "0", "count", "0"}), "*2\r\n" + bulk("0") + "*0\r\n");
  EXPECT_EQ(run({"hscan", "nokey", "abc"}), err("ERR invalid cursor"));
}

TEST_F(HashScan, CursorParsing) {
  run({"hset", "h", "a", "1"});
  const std::string all = "*2\r\n" + bulk("0") + "*2\r\n" + bulk("a") + bulk("1");
  for (std::string ok : {"0", "", "+1", "-1", "-0", "18446744073709551615", "123"}) {
    EXPECT_EQ(run({"hscan", "h", ok}), all) << "[" << ok << "]";
  }
  for (std::string bad :
       {" 1", "1 ", "abc", "0x10", "18446744073709551616", "-18446744073709551616", "+", "-"}) {
    EXPECT_EQ(run({"hscan", "h", bad}), err("ERR invalid cursor")) << "[" << bad << "]";
  }
}

TEST_F(HashScan, OptionErrors) {
  run({"hset", "h", "a", "1"});
  EXPECT_EQ(run({"hscan", "h", "0", "count", "0"}), err("ERR syntax error"));
  EXPECT_EQ(run({"hscan", "h", "0", "count", "-1"}), err("ERR syntax error"));
  EXPECT_EQ(run({"hscan", "h", "0", "count", "x"}), err("ERR value is not an integer or out of range"));
  EXPECT_EQ(run({"hscan", "h", "0", "match"}), err("ERR syntax error"));
  EXPECT_EQ(run({"hscan", "h", "0", "type", "string"}), err("ERR syntax error"));
  EXPECT_EQ(run({"hscan", "h", "0", "novalues"}), err("ERR syntax error"));  // 7.4, not 7.0
  EXPECT_EQ(run({"hscan", "h", "0", "COUNT", "5", "MATCH", "*"}),
            "*2\r\n" + bulk("0") + "*2\r\n" + bulk("a") + bulk("1"));
}

TEST_F(HashScan, SmallHashInOneCall) {
  fill("h", 0, 100);
  resp::Value v = value({"hscan", "h", "0", "count", "1"});
  EXPECT_EQ(v.elems[0].str, "0");
  EXPECT_EQ(v.elems[1].elems.size(), 200u);
  auto m = value({"hscan", "h", "0", "match", "f1*"});
  EXPECT_EQ(m.elems[0].str, "0");
  EXPECT_EQ(m.elems[1].elems.size(), 2u * 11);  // f1, f10..f19
}

TEST_F(HashScan, LongValueMakesAHashLarge) {
  run({"hset", "h", "f0", "v0", "f1", "v1", "f2", "v2", "f3", std::string(65, 'x')});
  // Like Redis's hashtable encoding, COUNT 1 scans in steps.
  resp::Value v = value({"hscan", "h", "0", "count", "1"});
  EXPECT_NE(v.elems[0].str, "0");
  EXPECT_LT(v.elems[1].elems.size(), 8u);
}

TEST_F(HashScan, LargeHashFullScanReturnsEverythingOnce) {
  fill("h", 0, 1000);
  int calls = 0;
  auto seen = full_scan("h", {"count", "10"}, {}, &calls);
  std::set<std::string> uniq(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(uniq.size(), 1000u);
  EXPECT_GT(calls, 50);  // COUNT 10 over 1000 fields: about 100 calls of O(COUNT) work
  EXPECT_LE(calls, 200);
}

TEST_F(HashScan, LargeHashWithMatch) {
  fill("h", 0, 1000);
  auto seen = full_scan("h", {"match", "f9?", "count", "3"});
  std::set<std::string> uniq(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_EQ(uniq.size(), 10u);
}

TEST_F(HashScan, GuaranteesHoldWhileTheHashChanges) {
  fill("h", 0, 500);
  // Between calls: add 200 fields (forcing rehashes) and delete f0..f99 one by one.
  auto seen = full_scan("h", {"count", "5"}, [this](int n) {
    if (n < 100) {
      run({"hdel", "h", "f" + std::to_string(n)});
    }
    fill("h", 1000 + 2 * n, 1000 + 2 * n + 2);
  });
  std::map<std::string, int> count;
  for (const auto& f : seen) {
    ++count[f];
  }
  for (int i = 100; i < 500; ++i) {
    EXPECT_EQ(count["f" + std::to_string(i)], 1) << i;  // present throughout: exactly once
  }
  for (const auto& [f, c] : count) {
    EXPECT_EQ(c, 1) << f;  // nothing twice
  }
}

// Redis's scan loop: COUNT fields visited per call (whole buckets, so a few more), in reverse-binary
// bucket order.
TEST_F(HashScan, CountIsFieldsVisited) {
  fill("h", 0, 1000);
  resp::Value v = value({"hscan", "h", "0", "count", "100"});
  EXPECT_NE(v.elems[0].str, "0");
  EXPECT_GE(v.elems[1].elems.size(), 2u * 100);
  EXPECT_LT(v.elems[1].elems.size(), 2u * 130);
  // The cursor is a bucket of the 1024-bucket table, in reverse-binary order: 0, 512, 256, 768, ...
  const uint64_t cursor = std::stoull(v.elems[0].str);
  EXPECT_LT(cursor, 1024u);
  EXPECT_EQ(cursor % 2, 0u);  // fewer than 512 buckets walked: the lowest bit has not been reached
}

// The table grows while fields are added and shrinks (HDEL below 10% fill) while they are deleted, between
// calls: every field present throughout is still returned (a shrink may return some twice, as in Redis).
TEST_F(HashScan, GuaranteesHoldWhileTheTableGrowsAndShrinks) {
  fill("h", 0, 200);
  auto buckets = [this] {
    return server().db(0).find("h", server().now_ms())->value.hash_value().bucket_count();
  };
  EXPECT_EQ(buckets(), 256u);
  std::set<size_t> sizes;
  auto seen = full_scan("h", {"count", "5"}, [&](int n) {
    fill("h", 100000, 104000);
    sizes.insert(buckets());
    std::vector<std::string> del{"hdel", "h"};
    for (int i = 100000; i < 104000; ++i) {
      del.push_back("f" + std::to_string(i));
    }
    if (n % 2 == 0) {
      run(del);  // back to 200 fields: shrunk to 1024 buckets on reaching 819 (below 10% of 8192)
      sizes.insert(buckets());
    }
  });
  EXPECT_EQ(sizes, (std::set<size_t>{1024, 8192}));
  std::set<std::string> uniq(seen.begin(), seen.end());
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(uniq.count("f" + std::to_string(i)), 1u) << i;
  }
}

TEST_F(HashScan, GuaranteesHoldAcrossManyRehashes) {
  fill("h", 0, 200);
  auto buckets = [this] {
    return server().db(0).find("h", server().now_ms())->value.hash_value().bucket_count();
  };
  const size_t before = buckets();
  // Each call is followed by 50 new fields: the table rehashes several times during the scan.
  auto seen =
      full_scan("h", {"count", "20"}, [this](int n) { fill("h", 10000 + 50 * n, 10000 + 50 * n + 50); });
  EXPECT_GT(buckets(), 4 * before);
  std::map<std::string, int> count;
  for (const auto& f : seen) {
    ++count[f];
  }
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(count["f" + std::to_string(i)], 1) << i;
  }
  for (const auto& [f, c] : count) {
    EXPECT_EQ(c, 1) << f;
  }
}

TEST_F(HashScan, StableCursorAcrossCalls) {
  fill("h", 0, 300);
  std::string a = run({"hscan", "h", "0", "count", "7"});
  std::string b = run({"hscan", "h", "0", "count", "7"});
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace codis::server::testing
