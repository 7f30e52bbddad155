// Replays ~10000 sorted-set commands captured from redis-server 7.0 (data/zset_redis70.txt, made by
// data/capture_zset.py) through ZSet, with a minimal command layer written here the way Redis's
// t_zset.c drives its structures, and requires Redis's exact reply at every step: ZADD outcomes and
// flags, -0, ranks, ranges with LIMIT and REV, lex ranges (mixed scores while compact), deletions, pops
// and OBJECT ENCODING through conversions at changing zset-max-listpack-* limits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "server/ds/zset.h"

namespace codis::server::ds {
namespace {

std::string hex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16));
  }
  return out;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Redis 7.0 prints doubles with %.17g (inf as "inf").
std::string fmt_double(double d) {
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

std::string bulk(std::string_view s) {
  return "$" + hex(s);
}

// A reply array of bulk strings (members, and scores when asked).
struct Items {
  std::vector<std::string> v;
  auto sink(bool scores) {
    return [this, scores](std::string_view m, double s) {
      v.push_back(bulk(m));
      if (scores) v.push_back(bulk(fmt_double(s)));
    };
  }
  std::string reply() const {
    std::string out = "*" + std::to_string(v.size());
    for (const std::string& s : v) out += " " + s;
    return out;
  }
};

class Emulator {
 public:
  std::string run(const std::vector<std::string>& a) {
    const std::string cmd = upper(a[0]);
    if (cmd == "CONFIG") {
      const size_t v = std::stoul(a[3]);
      (a[2] == "zset-max-listpack-entries" ? limits_.max_listpack_entries : limits_.max_listpack_value) = v;
      return "+OK";
    }
    if (cmd == "DEL") return db_.erase(a[1]) != 0 ? ":1" : ":0";
    if (cmd == "OBJECT") {
      auto it = db_.find(a[2]);
      return it == db_.end() ? "_" : bulk(encoding_name(it->second.encoding()));
    }
    if (cmd == "ZADD") return zadd(a);
    if (cmd == "ZINCRBY") return zadd({"ZADD", a[1], "INCR", a[2], a[3]});
    ZSet* z = find(a[1]);
    if (cmd == "ZREM") {
      size_t n = 0;
      for (size_t i = 2; z != nullptr && i < a.size(); ++i) n += z->erase(a[i]) ? 1 : 0;
      drop_if_empty(a[1]);
      return ":" + std::to_string(n);
    }
    if (cmd == "ZCARD") return ":" + std::to_string(z != nullptr ? z->size() : 0);
    if (cmd == "ZSCORE") {
      const std::optional<double> s = z != nullptr ? z->score(a[2]) : std::nullopt;
      return s ? bulk(fmt_double(*s)) : "_";
    }
    if (cmd == "ZRANK" || cmd == "ZREVRANK") {
      const std::optional<size_t> r = z != nullptr ? z->rank(a[2], cmd == "ZREVRANK") : std::nullopt;
      return r ? ":" + std::to_string(*r) : "_";
    }
    if (cmd == "ZRANGE" || cmd == "ZREVRANGE") {
      const bool scores = a.size() > 4;
      if (z == nullptr) return "*0";
      const auto w = normalize_rank_range(std::stoll(a[2]), std::stoll(a[3]), z->size());
      Items out;
      if (w) z->range_by_rank(w->first, w->second, cmd == "ZREVRANGE", out.sink(scores));
      return out.reply();
    }
    if (cmd == "ZRANGEBYSCORE" || cmd == "ZREVRANGEBYSCORE" || cmd == "ZRANGEBYLEX" ||
        cmd == "ZREVRANGEBYLEX") {
      return range(cmd, a, z);
    }
    if (cmd == "ZCOUNT" || cmd == "ZREMRANGEBYSCORE") {
      const auto r = parse_score_range(a[2], a[3]);
      if (!r) return "-" + std::string(kScoreRangeError);
      if (z == nullptr) return ":0";
      const size_t n = cmd == "ZCOUNT" ? z->count(*r) : z->erase_score_range(*r);
      drop_if_empty(a[1]);
      return ":" + std::to_string(n);
    }
    if (cmd == "ZLEXCOUNT" || cmd == "ZREMRANGEBYLEX") {
      const auto r = parse_lex_range(a[2], a[3]);
      if (!r) return "-" + std::string(kLexRangeError);
      if (z == nullptr) return ":0";
      const size_t n = cmd == "ZLEXCOUNT" ? z->count(*r) : z->erase_lex_range(*r);
      drop_if_empty(a[1]);
      return ":" + std::to_string(n);
    }
    if (cmd == "ZREMRANGEBYRANK") {
      if (z == nullptr) return ":0";
      const auto w = normalize_rank_range(std::stoll(a[2]), std::stoll(a[3]), z->size());
      const size_t n = w ? z->erase_rank_range(w->first, w->second) : 0;
      drop_if_empty(a[1]);
      return ":" + std::to_string(n);
    }
    if (cmd == "ZPOPMIN" || cmd == "ZPOPMAX") {
      const size_t count = a.size() > 2 ? std::stoul(a[2]) : 1;
      Items out;
      if (z != nullptr) z->pop(cmd == "ZPOPMAX", count, out.sink(true));
      drop_if_empty(a[1]);
      return out.reply();
    }
    return "-unknown command " + cmd;
  }

 private:
  ZSet* find(const std::string& key) {
    auto it = db_.find(key);
    return it == db_.end() ? nullptr : &it->second;
  }
  void drop_if_empty(const std::string& key) {
    auto it = db_.find(key);
    if (it != db_.end() && it->second.empty()) db_.erase(it);
  }

  // zaddGenericCommand: flags, then the pairs; the key is created (as 7.0 does) from the first member.
  std::string zadd(const std::vector<std::string>& a) {
    ZAddFlags f;
    bool ch = false;
    size_t i = 2;
    for (; i < a.size(); ++i) {
      const std::string o = upper(a[i]);
      if (o == "NX") {
        f.nx = true;
      } else if (o == "XX") {
        f.xx = true;
      } else if (o == "GT") {
        f.gt = true;
      } else if (o == "LT") {
        f.lt = true;
      } else if (o == "CH") {
        ch = true;
      } else if (o == "INCR") {
        f.incr = true;
      } else {
        break;
      }
    }
    ZSet* z = find(a[1]);
    if (z == nullptr) {
      if (f.xx) return f.incr ? "_" : ":0";
      z = &db_.emplace(a[1], ZSet::for_zadd(limits_, a[i + 1].size())).first->second;
    }
    size_t added = 0, updated = 0, processed = 0;
    double last = 0;
    for (; i + 1 < a.size(); i += 2) {
      const ZAddResult r = z->add(a[i + 1], std::strtod(a[i].c_str(), nullptr), f, limits_);
      if (r.outcome == ZAddOutcome::kNaN) {
        drop_if_empty(a[1]);
        return "-ERR resulting score is not a number (NaN)";
      }
      added += r.outcome == ZAddOutcome::kAdded;
      updated += r.outcome == ZAddOutcome::kUpdated;
      if (r.outcome != ZAddOutcome::kSkipped) {
        ++processed;
        last = r.score;
      }
    }
    if (f.incr) return processed != 0 ? bulk(fmt_double(last)) : "_";
    return ":" + std::to_string(ch ? added + updated : added);
  }

  std::string range(const std::string& cmd, const std::vector<std::string>& a, ZSet* z) {
    const bool rev = cmd.rfind("ZREV", 0) == 0;
    const bool lex = cmd.find("LEX") != std::string::npos;
    // The reverse forms take max first.
    const std::string& lo = rev ? a[3] : a[2];
    const std::string& hi = rev ? a[2] : a[3];
    bool scores = false;
    long long offset = 0, count = -1;
    for (size_t i = 4; i < a.size(); ++i) {
      if (upper(a[i]) == "WITHSCORES") {
        scores = true;
      } else {
        offset = std::stoll(a[i + 1]);
        count = std::stoll(a[i + 2]);
        i += 2;
      }
    }
    Items out;
    if (lex) {
      const auto r = parse_lex_range(lo, hi);
      if (!r) return "-" + std::string(kLexRangeError);
      if (z != nullptr && offset >= 0) {
        z->range_by_lex(*r, rev, static_cast<size_t>(offset),
                        count < 0 ? kNoLimit : static_cast<size_t>(count), out.sink(false));
      }
    } else {
      const auto r = parse_score_range(lo, hi);
      if (!r) return "-" + std::string(kScoreRangeError);
      if (z != nullptr && offset >= 0) {
        z->range_by_score(*r, rev, static_cast<size_t>(offset),
                          count < 0 ? kNoLimit : static_cast<size_t>(count), out.sink(scores));
      }
    }
    return out.reply();
  }

  std::map<std::string, ZSet> db_;
  ZSetLimits limits_;
};

std::vector<std::string> parse_args(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string t; in >> t;) out.push_back(t.rfind("h:", 0) == 0 ? unhex(t.substr(2)) : t);
  return out;
}

TEST(ZSetRedis, ReplaysCapturedScript) {
  std::ifstream in(std::string(CODIS_DS_TESTDATA) + "/zset_redis70.txt");
  ASSERT_TRUE(in.good());
  Emulator emu;
  int steps = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t arrow = line.find(" => ");
    ASSERT_NE(arrow, std::string::npos) << line;
    const std::string cmd = line.substr(0, arrow);
    const std::string want = line.substr(arrow + 4);
    ASSERT_EQ(emu.run(parse_args(cmd)), want) << "step " << steps << ": " << cmd;
    ++steps;
  }
  EXPECT_GT(steps, 9000);
}

}  // namespace
}  // namespace codis::server::ds
