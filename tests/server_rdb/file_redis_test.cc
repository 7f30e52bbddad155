// RDB files exchanged with Debian's redis-server 7.0 (skipped when it is not installed), both ways:
// redis-server SAVEs every type in small and big encodings, with expiries, in dbs 0..3 (and under LRU
// and LFU policies, which add IDLE and FREQ records), and FileReader must load what Redis reports key by
// key; FileWriter writes such a file and redis-server, started on it, must hold exactly those keys
// (DUMP, PEXPIRETIME, OBJECT FREQ / IDLETIME). Servers run on a free 127.0.0.1 port in a private
// directory and are killed by PID (tests/server_diff's ServerProcess).
#include <unistd.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "server/rdb/decoder.h"
#include "server/rdb/encoder.h"
#include "tests/server_diff/client.h"
#include "tests/server_diff/server_process.h"
#include "tests/server_rdb/file_util.h"
#include "tests/server_rdb/test_util.h"

namespace codis::server::rdb {
namespace {

using testing::canonical;
using testing::FileKey;

constexpr const char* kRedisServer = "/usr/bin/redis-server";

// A private directory for dump.rdb, removed at the end.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/codis-rdb-file-XXXXXX";
    if (mkdtemp(tmpl) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class Redis {
 public:
  // Starts redis-server with its dump file at dir/dump.rdb (loaded if present).
  bool start(const std::string& dir, const std::string& extra, std::string& error) {
    diff::ServerSpec spec;
    spec.label = "redis-server";
    spec.path = kRedisServer;
    spec.args = "--port {port} --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir " + dir +
                " --dbfilename dump.rdb --logfile {dir}/server.log --enable-debug-command yes " + extra;
    return proc_.start(spec, error) && client_.connect(proc_.host(), proc_.port(), error);
  }
  resp::Value cmd(const std::vector<std::string>& argv) {
    resp::Value v;
    std::string error;
    if (!client_.call(argv, v, error)) ADD_FAILURE() << error;
    return v;
  }
  std::string log() const { return proc_.output_tail(4000); }

 private:
  diff::ServerProcess proc_;
  diff::Client client_;
};

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The value Redis holds for `key` (in the selected db), read with the type's read command.
DumpValue redis_value(Redis& r, const std::string& key) {
  const std::string type = r.cmd({"TYPE", key}).str;
  auto strings = [](const resp::Value& v) {
    std::vector<std::string> out;
    for (const auto& e : v.elems) out.push_back(e.str);
    return out;
  };
  if (type == "string") return DumpValue::string(r.cmd({"GET", key}).str);
  if (type == "list") return DumpValue::list(strings(r.cmd({"LRANGE", key, "0", "-1"})));
  if (type == "set") return DumpValue::set(strings(r.cmd({"SMEMBERS", key})));
  const auto flat = strings(r.cmd({type == "zset" ? "ZRANGE" : "HGETALL", key, "0", "-1", "WITHSCORES"}));
  DumpValue v;
  if (type == "zset") {
    v.type = ValueType::kZSet;
    for (size_t i = 0; i + 1 < flat.size(); i += 2) v.zmembers.emplace_back(flat[i], std::stod(flat[i + 1]));
  } else {
    v.type = ValueType::kHash;
    const auto all = strings(r.cmd({"HGETALL", key}));
    for (size_t i = 0; i + 1 < all.size(); i += 2) v.fields.emplace_back(all[i], all[i + 1]);
  }
  return v;
}

// OBJECT ENCODING of a value we read in `type`.
std::string encoding_of(RdbType type, const DumpValue& v) {
  switch (type) {
    case RdbType::kString: {
      return v.str.size() <= 20 && !v.str.empty() &&
                     v.str.find_first_not_of("-0123456789") == std::string::npos
                 ? "int"
             : v.str.size() <= 44 ? "embstr"
                                  : "raw";
    }
    case RdbType::kListQuicklist2:
      return "quicklist";
    case RdbType::kSetIntset:
      return "intset";
    case RdbType::kSet:
    case RdbType::kHash:
      return "hashtable";
    case RdbType::kZSetListpack:
    case RdbType::kHashListpack:
      return "listpack";
    case RdbType::kZSet2:
      return "skiplist";
    default:
      return "?";
  }
}

class RedisFile : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kRedisServer, X_OK) != 0) GTEST_SKIP() << "no " << kRedisServer;
    ASSERT_FALSE(dir_.path().empty());
  }
  TempDir dir_;
};

// Every type in its small and big encodings, expiries on some, dbs 0..3.
void populate(Redis& r) {
  ASSERT_EQ(r.cmd({"SELECT", "0"}).str, "OK");
  r.cmd({"SET", "s:int", "12345"});
  r.cmd({"SET", "s:neg", "-70000"});
  r.cmd({"SET", "s:short", "hello"});
  r.cmd({"SET", "s:lzf", std::string(500, 'x') + "tail"});
  std::string bin;
  for (int i = 0; i < 3000; ++i) bin.push_back(static_cast<char>((i * 7919) % 251));
  r.cmd({"SET", "s:bin", bin});
  r.cmd({"RPUSH", "l:small", "a", "1", "bb", "-5"});
  std::vector<std::string> big = {"RPUSH", "l:big"};
  for (int i = 0; i < 2000; ++i) big.push_back("element-" + std::to_string(i));
  big.push_back(std::string(10000, 'p'));
  r.cmd(big);
  r.cmd({"SADD", "set:int", "1", "-2", "300000", "9223372036854775807"});
  r.cmd({"SADD", "set:str", "a", "b", "c"});
  std::vector<std::string> bigset = {"SADD", "set:bigint"};
  for (int i = 0; i < 600; ++i) bigset.push_back(std::to_string(i * 3));
  r.cmd(bigset);
  r.cmd({"ZADD", "z:small", "1", "a", "2.5", "b", "-inf", "c", "1e300", "d"});
  std::vector<std::string> bigz = {"ZADD", "z:big"};
  for (int i = 0; i < 200; ++i) {
    bigz.push_back(std::to_string(i * 0.5));
    bigz.push_back("member-" + std::to_string(i));
  }
  r.cmd(bigz);
  r.cmd({"HSET", "h:small", "f", "v", "n", "1"});
  std::vector<std::string> bigh = {"HSET", "h:big"};
  for (int i = 0; i < 600; ++i) {
    bigh.push_back("field-" + std::to_string(i));
    bigh.push_back(std::to_string(i));
  }
  r.cmd(bigh);
  r.cmd({"HSET", "h:long", "f", std::string(100, 'v')});
  for (const char* k : {"s:short", "l:big", "set:int", "z:small", "h:big"}) {
    r.cmd({"PEXPIREAT", k, "4102444800000"});
  }
  for (int db = 1; db <= 3; ++db) {
    r.cmd({"SELECT", std::to_string(db)});
    r.cmd({"SET", "k" + std::to_string(db), "in db " + std::to_string(db)});
    r.cmd({"RPUSH", "list" + std::to_string(db), "x"});
    if (db == 2) r.cmd({"PEXPIREAT", "k2", "4102444800123"});
  }
  r.cmd({"SELECT", "0"});
}

// A file with the aux fields, dbs and keys of `in`, in its order.
std::string rewrite(const testing::ReadResult& in) {
  std::map<std::string, std::string> aux;
  for (const auto& a : in.aux) aux[a.field] = a.value;
  AuxInfo info;
  info.redis_ver = aux["redis-ver"];
  info.ctime = std::stoll(aux["ctime"]);
  info.used_mem = std::stoull(aux["used-mem"]);
  info.aof_base = aux["aof-base"] == "1";
  if (aux.count("repl-id")) {
    info.repl =
        AuxInfo::Repl{std::stoll(aux["repl-stream-db"]), aux["repl-id"], std::stoll(aux["repl-offset"])};
  }
  FileWriter w;
  std::string out;
  w.begin(info, &out);
  size_t next_db = 0;
  for (size_t i = 0; i < in.keys.size(); ++i) {
    const KeyRecord& k = in.keys[i];
    if (i == 0 || k.db != in.keys[i - 1].db) {
      const ResizeDbHint& h = in.resize.at(next_db++);
      w.select_db(h.db, h.keys, h.expires, &out);
    }
    KeyMeta meta{k.expire_ms, k.lru_idle, k.lfu_freq};
    EXPECT_TRUE(w.key(k.key, k.object.value, k.object.rdb_type, meta, &out).ok());
  }
  w.finish(&out);
  return out;
}

TEST_F(RedisFile, RedisSavesWeLoad) {
  Redis r;
  std::string error;
  ASSERT_TRUE(r.start(dir_.path(), "", error)) << error;
  populate(r);
  for (const std::string policy : {"noeviction", "allkeys-lru", "allkeys-lfu"}) {
    SCOPED_TRACE(policy);
    r.cmd({"CONFIG", "SET", "maxmemory-policy", policy});
    ASSERT_EQ(r.cmd({"SAVE"}).str, "OK");
    const std::string file = read_whole(dir_.path() + "/dump.rdb");
    const auto got = testing::read_file(file, {65536});
    ASSERT_FALSE(got.error) << got.error->describe();
    EXPECT_TRUE(got.end.checksum_verified);
    EXPECT_EQ(got.end.size, file.size());
    std::map<std::string, std::string> aux;
    for (const auto& a : got.aux) aux[a.field] = a.value;
    EXPECT_EQ(aux["redis-ver"], "7.0.15");
    EXPECT_EQ(aux["redis-bits"], "64");
    EXPECT_EQ(aux.count("ctime"), 1u);
    EXPECT_EQ(aux.count("used-mem"), 1u);
    EXPECT_EQ(aux["aof-base"], "0");
    // RESIZEDB per db matches DBSIZE, and so does the number of keys read.
    std::map<uint64_t, uint64_t> per_db;
    for (const auto& k : got.keys) ++per_db[k.db];
    ASSERT_EQ(got.resize.size(), 4u);
    for (const auto& h : got.resize) {
      r.cmd({"SELECT", std::to_string(h.db)});
      EXPECT_EQ(static_cast<int64_t>(h.keys), r.cmd({"DBSIZE"}).num) << "db " << h.db;
      EXPECT_EQ(per_db[h.db], h.keys);
    }
    for (const auto& k : got.keys) {
      SCOPED_TRACE(k.key);
      r.cmd({"SELECT", std::to_string(k.db)});
      // Before the reads below, which count as accesses.
      if (k.lfu_freq) {
        EXPECT_EQ(*k.lfu_freq, r.cmd({"OBJECT", "FREQ", k.key}).num);
      }
      EXPECT_EQ(canonical(k.object.value), canonical(redis_value(r, k.key)));
      EXPECT_EQ(r.cmd({"OBJECT", "ENCODING", k.key}).str, encoding_of(k.object.rdb_type, k.object.value));
      EXPECT_EQ(k.expire_ms.value_or(-1), r.cmd({"PEXPIRETIME", k.key}).num);
      EXPECT_EQ(k.lru_idle.has_value(), policy == "allkeys-lru");
      EXPECT_EQ(k.lfu_freq.has_value(), policy == "allkeys-lfu");
    }
    r.cmd({"SELECT", "0"});
    // Written again from what we read (same order, same encodings, same aux values), the file is
    // Redis's byte for byte.
    EXPECT_EQ(testing::hex(rewrite(got)), testing::hex(file));
  }
}

// Values for redis-server to load: every type in the encodings Redis 7.0 picks and the legacy ones it
// still loads, with expiries and access info, over dbs 0..3.
std::vector<FileKey> keys_for_redis(bool lfu) {
  std::vector<std::string> list;
  for (int i = 0; i < 2500; ++i) list.push_back("item" + std::to_string(i));
  list.push_back(std::string(9000, 'L'));
  std::vector<std::pair<std::string, double>> zs;
  for (int i = 0; i < 150; ++i) zs.emplace_back("m" + std::to_string(i), i * 1.25 - 30);
  std::vector<std::pair<std::string, std::string>> hs;
  for (int i = 0; i < 700; ++i) hs.emplace_back("f" + std::to_string(i), std::string(i % 30, 'v'));
  std::vector<std::string> ints;
  for (int i = 0; i < 100; ++i) ints.push_back(std::to_string(i * 1000003 - 50000000));
  const std::vector<std::pair<DumpValue, std::vector<RdbType>>> samples = {
      {DumpValue::string("plain"), {RdbType::kString}},
      {DumpValue::string("-123456789"), {RdbType::kString}},
      {DumpValue::string(std::string(4000, 'c') + "x"), {RdbType::kString}},
      {DumpValue::list({"a", "2", "ccc"}), {RdbType::kListQuicklist2, RdbType::kListZiplist, RdbType::kList}},
      {DumpValue::list(list), {RdbType::kListQuicklist2, RdbType::kListQuicklist}},
      {DumpValue::set(ints), {RdbType::kSetIntset, RdbType::kSet}},
      {DumpValue::set({"x", "y", "zz"}), {RdbType::kSet}},
      {DumpValue::zset({{"a", 1}, {"b", -2.5}, {"c", HUGE_VAL}}),
       {RdbType::kZSetListpack, RdbType::kZSetZiplist, RdbType::kZSet2, RdbType::kZSet}},
      {DumpValue::zset(zs), {RdbType::kZSet2}},
      {DumpValue::hash({{"f", "v"}, {"n", "12"}}),
       {RdbType::kHashListpack, RdbType::kHashZiplist, RdbType::kHashZipmap, RdbType::kHash}},
      {DumpValue::hash(hs), {RdbType::kHash}},
  };
  std::vector<FileKey> keys;
  int n = 0;
  for (uint64_t db = 0; db < 4; ++db) {
    for (const auto& [value, types] : samples) {
      for (const RdbType t : types) {
        if (db > 0 && (n % 3) != 0) {
          ++n;
          continue;
        }
        FileKey k;
        k.db = db;
        k.key = "k" + std::to_string(n) + ":" + std::string(rdb_type_name(static_cast<uint8_t>(t)));
        k.value = value;
        k.type = t;
        if (n % 3 == 1) k.meta.expire_ms = 4102444800000 + n;
        if (lfu) {
          k.meta.lfu_freq = static_cast<uint8_t>(n * 3 % 256);
        } else {
          k.meta.lru_idle = static_cast<uint64_t>(n) * 60;
        }
        keys.push_back(std::move(k));
        ++n;
      }
    }
  }
  return keys;
}

TEST_F(RedisFile, WeWriteRedisLoads) {
  for (const bool lfu : {false, true}) {
    for (const bool compress : {true, false}) {
      const bool checksum = compress == lfu;  // both settings of each, over the four runs
      SCOPED_TRACE(std::string(lfu ? "lfu" : "lru") + (compress ? " lzf" : " raw") +
                   (checksum ? " crc" : " no-crc"));
      const auto keys = keys_for_redis(lfu);
      FileWriterOptions o;
      o.compress = compress;
      o.checksum = checksum;
      AuxInfo aux;
      aux.ctime = 1700000000;
      aux.used_mem = 1000000;
      {
        std::ofstream out(dir_.path() + "/dump.rdb", std::ios::binary | std::ios::trunc);
        out << testing::write_file(keys, o, aux);
      }
      Redis r;
      std::string error;
      ASSERT_TRUE(r.start(dir_.path(),
                          lfu ? "--maxmemory-policy allkeys-lfu" : "--maxmemory-policy allkeys-lru", error))
          << error;
      std::map<uint64_t, int64_t> per_db;
      for (const auto& k : keys) ++per_db[k.db];
      for (const auto& [db, n] : per_db) {
        r.cmd({"SELECT", std::to_string(db)});
        EXPECT_EQ(r.cmd({"DBSIZE"}).num, n) << "db " << db << "\n" << r.log();
      }
      for (const auto& k : keys) {
        SCOPED_TRACE(k.key);
        r.cmd({"SELECT", std::to_string(k.db)});
        // Access info first: DUMP counts as an access.
        if (lfu) {
          EXPECT_EQ(r.cmd({"OBJECT", "FREQ", k.key}).num, *k.meta.lfu_freq);
        } else {
          const int64_t idle = r.cmd({"OBJECT", "IDLETIME", k.key}).num;
          EXPECT_GE(idle, static_cast<int64_t>(*k.meta.lru_idle));
          EXPECT_LE(idle, static_cast<int64_t>(*k.meta.lru_idle) + 30);
        }
        const resp::Value dump = r.cmd({"DUMP", k.key});
        ASSERT_EQ(dump.kind, resp::Kind::kBulkString);
        auto back = decode_dump_payload(dump.str);
        ASSERT_TRUE(back.ok());
        EXPECT_EQ(canonical(back->value), canonical(k.value));
        EXPECT_EQ(r.cmd({"PEXPIRETIME", k.key}).num, k.meta.expire_ms.value_or(-1));
      }
    }
  }
}

}  // namespace
}  // namespace codis::server::rdb
