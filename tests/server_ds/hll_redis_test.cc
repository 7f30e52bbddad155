// Replays the PFADD/PFCOUNT/PFMERGE/GET/SET script captured from redis-server 7.0 (data/hll_redis70.txt,
// made by data/capture_hll.py) against our HLL functions composed as hll.h describes, and requires the
// same reply and the same bytes at every step: sparse growth and promotion, the cache bit, merges,
// hll-sparse-max-bytes, and corrupted values.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "server/ds/hll.h"

namespace codis::server::ds::hll {
namespace {

std::string to_hex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string from_hex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16));
  }
  return out;
}

std::vector<std::string> split(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

// A keyspace of string values and the three commands, as the server composes them.
class Emulator {
 public:
  std::string pfadd(const std::string& key, const std::vector<std::string>& elements) {
    auto it = db_.find(key);
    const bool created = it == db_.end();
    if (created) {
      it = db_.emplace(key, create()).first;
    } else if (!is_hll(it->second)) {
      return err(kWrongTypeError);
    }
    bool changed = created;
    for (const std::string& e : elements) {
      switch (add(it->second, e, sparse_max_)) {
        case AddOutcome::kChanged:
          changed = true;
          break;
        case AddOutcome::kUnchanged:
          break;
        case AddOutcome::kInvalid:
          return err(kInvalidObjError);
      }
    }
    if (created) invalidate_cache(it->second);
    return changed ? "int 1" : "int 0";
  }

  std::string pfcount(const std::vector<std::string>& keys) {
    if (keys.size() == 1) {
      auto it = db_.find(keys[0]);
      if (it == db_.end()) return "int 0";
      if (!is_hll(it->second)) return err(kWrongTypeError);
      const std::optional<uint64_t> c = count(it->second);
      return c ? "int " + std::to_string(*c) : err(kInvalidObjError);
    }
    Registers r{};
    for (const std::string& k : keys) {
      auto it = db_.find(k);
      if (it == db_.end()) continue;
      if (!is_hll(it->second)) return err(kWrongTypeError);
      if (!merge_into(r, it->second)) return err(kInvalidObjError);
    }
    return "int " + std::to_string(count_registers(r));
  }

  std::string pfmerge(const std::vector<std::string>& keys) {
    Registers r{};
    bool dense = false;
    for (const std::string& k : keys) {  // keys[0] is the destination, an input too
      auto it = db_.find(k);
      if (it == db_.end()) continue;
      if (!is_hll(it->second)) return err(kWrongTypeError);
      dense = dense || is_dense(it->second);
      if (!merge_into(r, it->second)) return err(kInvalidObjError);
    }
    auto it = db_.find(keys[0]);
    if (it == db_.end()) it = db_.emplace(keys[0], create()).first;
    if (!store_merged(it->second, r, dense, sparse_max_)) return err(kInvalidObjError);
    return "ok";
  }

  std::string step(const std::string& line) {
    const std::vector<std::string> t = split(line);
    const std::string& op = t[0];
    const std::vector<std::string> rest(t.begin() + 1, t.end());
    if (op == "config") {
      sparse_max_ = std::stoul(t[1]);
      return "ok";
    }
    if (op == "add") {
      const long lo = std::stol(t[3]), hi = std::stol(t[4]), batch = std::stol(t[5]);
      std::string marks = "bits ";
      for (long start = lo; start < hi; start += batch) {
        std::vector<std::string> elems;
        for (long i = start; i < std::min(hi, start + batch); ++i) elems.push_back(t[2] + std::to_string(i));
        const std::string r = pfadd(t[1], elems);
        marks += r.rfind("int ", 0) == 0 ? r.substr(4) : r.substr(4, 1);
      }
      return marks;
    }
    if (op == "addhex") {
      std::vector<std::string> elems;
      for (size_t i = 2; i < t.size(); ++i) elems.push_back(t[i] == "~" ? "" : from_hex(t[i]));
      return pfadd(t[1], elems);
    }
    if (op == "count") return pfcount(rest);
    if (op == "merge") return pfmerge(rest);
    if (op == "get") {
      auto it = db_.find(t[1]);
      return it == db_.end() ? "nil" : "hex " + to_hex(it->second);
    }
    if (op == "set") {
      db_[t[1]] = from_hex(t[2]);
      return "ok";
    }
    return "unknown step";
  }

 private:
  static std::string err(std::string_view text) { return "err " + std::string(text); }

  std::map<std::string, std::string> db_;
  size_t sparse_max_ = kDefaultSparseMaxBytes;
};

TEST(HllRedis, ReplaysCapturedScript) {
  std::ifstream in(std::string(CODIS_DS_TESTDATA) + "/hll_redis70.txt");
  ASSERT_TRUE(in.good());
  Emulator emu;
  int steps = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t arrow = line.find(" => ");
    ASSERT_NE(arrow, std::string::npos) << line;
    const std::string cmd = line.substr(0, arrow);
    const std::string want = line.substr(arrow + 4);
    const std::string got = emu.step(cmd);
    // Print only the command and a prefix of long replies on failure.
    ASSERT_EQ(got, want) << "step " << steps << ": " << cmd.substr(0, 120);
    ++steps;
  }
  EXPECT_GT(steps, 150);
}

}  // namespace
}  // namespace codis::server::ds::hll
