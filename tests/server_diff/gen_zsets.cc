// Sorted sets family: ZADD with every flag, ranges by rank/score/lex with REV/LIMIT/WITHSCORES, removals
// by range, pops (plain, MPOP, blocking), ZRANDMEMBER, the algebra with WEIGHTS/AGGREGATE, ZSCAN.
#include "tests/server_diff/gen.h"

namespace codis::diff {
namespace {

Command zadd(Gen& g) {
  std::vector<std::string> a = {"ZADD", g.key()};
  if (g.chance(20)) a.push_back(g.pick_str({"NX", "XX"}));
  if (g.chance(15)) a.push_back(g.pick_str({"GT", "LT"}));
  if (g.chance(15)) a.push_back("CH");
  const bool incr = g.chance(10);
  if (incr) a.push_back("INCR");
  const int64_t n = g.chance(2) ? g.range(130, 160) : incr ? (g.chance(90) ? 1 : 2) : g.range(1, 3);
  for (int64_t i = 0; i < n; ++i) {
    // Equal scores make lexicographic order matter.
    a.push_back(n > 3 ? std::to_string(i % 7) : g.chance(25) ? "0" : g.score());
    a.push_back(n > 3 ? "bulk" + std::to_string(i) : g.zmember());
  }
  return g.cmd(std::move(a));
}

void limit(Gen& g, std::vector<std::string>& a) {
  if (g.chance(25)) a.insert(a.end(), {"LIMIT", g.num(-1, 3), g.chance(90) ? g.num(-1, 4) : "x"});
}

Command zrange(Gen& g) {
  std::vector<std::string> a = {"ZRANGE", g.key()};
  const int64_t by = g.range(0, 2);
  if (by == 0) {
    a.insert(a.end(), {g.index(), g.index()});
  } else if (by == 1) {
    a.insert(a.end(), {g.score_bound(), g.score_bound(), "BYSCORE"});
  } else {
    a.insert(a.end(), {g.lex_bound(), g.lex_bound(), "BYLEX"});
  }
  if (g.chance(30)) a.push_back("REV");
  if (by != 0 || g.chance(5)) limit(g, a);
  if (g.chance(40)) a.push_back("WITHSCORES");
  return g.cmd(std::move(a));
}

Command zrangestore(Gen& g) {
  Command c = zrange(g);
  std::vector<std::string> a = {"ZRANGESTORE", g.key()};
  for (size_t i = 1; i < c.argv.size(); ++i) {
    if (c.argv[i] != "WITHSCORES") a.push_back(c.argv[i]);
  }
  return g.cmd(std::move(a));
}

Command by_score(Gen& g, bool rev) {
  std::vector<std::string> a = {rev ? "ZREVRANGEBYSCORE" : "ZRANGEBYSCORE", g.key(), g.score_bound(),
                                g.score_bound()};
  if (g.chance(40)) a.push_back("WITHSCORES");
  limit(g, a);
  return g.cmd(std::move(a));
}

Command by_lex(Gen& g, bool rev) {
  std::vector<std::string> a = {rev ? "ZREVRANGEBYLEX" : "ZRANGEBYLEX", g.key(), g.lex_bound(),
                                g.lex_bound()};
  limit(g, a);
  return g.cmd(std::move(a));
}

// ZUNION/ZINTER/ZDIFF[STORE] and ZINTERCARD: numkeys, keys, then options.
Command algebra(Gen& g) {
  const std::string op =
      g.pick_str({"ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZINTERCARD"});
  const bool store = op.size() > 6 && op.substr(op.size() - 5) == "STORE";
  std::vector<std::string> a = {op};
  if (store) a.push_back(g.key());
  auto keys = g.keys(1, 3);
  // A plain set as an input counts every member with score 1 (zset_inputs below fills it).
  if (g.chance(15)) keys[g.range(0, static_cast<int64_t>(keys.size()) - 1)] = "{t}a";
  a.push_back(g.chance(95) ? std::to_string(keys.size()) : g.pick_str({"0", "-1", "7"}));
  a.insert(a.end(), keys.begin(), keys.end());
  if (op == "ZINTERCARD") {
    if (g.chance(40)) a.insert(a.end(), {"LIMIT", g.num(0, 3)});
    return g.cmd(std::move(a));
  }
  if (op.rfind("ZDIFF", 0) != 0) {
    if (g.chance(30)) {
      a.push_back("WEIGHTS");
      for (size_t i = 0; i < keys.size(); ++i)
        a.push_back(g.chance(90) ? g.num(-2, 3) : g.pick_str({"inf", "0.5"}));
    }
    if (g.chance(30)) a.insert(a.end(), {"AGGREGATE", g.pick_str({"SUM", "MIN", "MAX", "AVG"})});
  }
  if (!store && g.chance(50)) a.push_back("WITHSCORES");
  return g.cmd(std::move(a));
}

Command pop(Gen& g) {
  switch (g.range(0, 3)) {
    case 0: {
      std::vector<std::string> a = {g.pick_str({"ZPOPMIN", "ZPOPMAX"}), g.key()};
      if (g.chance(50)) a.push_back(g.count());
      return g.cmd(std::move(a));
    }
    case 1: {
      std::vector<std::string> a = {g.pick_str({"BZPOPMIN", "BZPOPMAX"})};
      for (auto& k : g.keys(1, 2)) a.push_back(k);
      a.push_back(g.timeout());
      return g.cmd(std::move(a));
    }
    default: {
      const bool blocking = g.chance(40);
      std::vector<std::string> a = {blocking ? "BZMPOP" : "ZMPOP"};
      if (blocking) a.push_back(g.timeout());
      const auto keys = g.keys(1, 2);
      a.push_back(std::to_string(keys.size()));
      a.insert(a.end(), keys.begin(), keys.end());
      a.push_back(g.chance(95) ? g.pick_str({"MIN", "MAX"}) : "MID");
      if (g.chance(50)) a.insert(a.end(), {"COUNT", g.chance(90) ? g.num(1, 4) : "0"});
      return g.cmd(std::move(a));
    }
  }
}

}  // namespace

void gen_zsets(Gen& g, std::vector<Command>& out) {
  if (g.chance(3)) {
    // The set the algebra reads as a sorted set with scores 1 (its key belongs to the sets pool).
    std::vector<std::string> a = {"SADD", "{t}a"};
    for (int64_t i = g.range(1, 4); i > 0; --i) a.push_back(g.zmember());
    out.push_back(g.cmd(std::move(a)));
    return;
  }
  switch (g.range(0, 28)) {
    case 0:
    case 1:
    case 2:
    case 3:
      out.push_back(zadd(g));
      break;
    case 4:
      out.push_back(g.cmd({"ZINCRBY", g.key(), g.score(), g.zmember()}));
      break;
    case 5: {
      std::vector<std::string> a = {"ZREM", g.key()};
      for (int64_t i = g.range(1, 3); i > 0; --i) a.push_back(g.zmember());
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 6:
      out.push_back(g.cmd({"ZCARD", g.key()}));
      break;
    case 7:
      out.push_back(g.cmd({"ZCOUNT", g.key(), g.score_bound(), g.score_bound()}));
      break;
    case 8:
      out.push_back(g.cmd({"ZLEXCOUNT", g.key(), g.lex_bound(), g.lex_bound()}));
      break;
    case 9:
      out.push_back(g.cmd({"ZSCORE", g.key(), g.zmember()}));
      break;
    case 10: {
      std::vector<std::string> a = {"ZMSCORE", g.key()};
      for (int64_t i = g.range(1, 3); i > 0; --i) a.push_back(g.zmember());
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 11: {
      std::vector<std::string> a = {g.pick_str({"ZRANK", "ZREVRANK"}), g.key(), g.zmember()};
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 12:
    case 13:
    case 14:
      out.push_back(zrange(g));
      break;
    case 15:
      out.push_back(zrangestore(g));
      break;
    case 16: {
      std::vector<std::string> a = {"ZREVRANGE", g.key(), g.index(), g.index()};
      if (g.chance(40)) a.push_back("WITHSCORES");
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 17:
      out.push_back(by_score(g, g.chance(40)));
      break;
    case 18:
      out.push_back(by_lex(g, g.chance(40)));
      break;
    case 19:
      out.push_back(g.cmd({"ZREMRANGEBYRANK", g.key(), g.index(), g.index()}));
      break;
    case 20:
      out.push_back(g.cmd({"ZREMRANGEBYSCORE", g.key(), g.score_bound(), g.score_bound()}));
      break;
    case 21:
      out.push_back(g.cmd({"ZREMRANGEBYLEX", g.key(), g.lex_bound(), g.lex_bound()}));
      break;
    case 22:
    case 23:
      out.push_back(pop(g));
      break;
    case 24: {
      std::vector<std::string> a = {"ZRANDMEMBER", g.key()};
      if (g.chance(70)) {
        a.push_back(g.count());
        if (g.chance(50)) a.push_back("WITHSCORES");
      }
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 25:
    case 26:
      out.push_back(algebra(g));
      break;
    default: {
      std::vector<std::string> a = {"ZSCAN", g.key(), "0"};
      if (g.chance(30)) a.insert(a.end(), {"MATCH", g.pick_str({"a*", "*k*", "bulk1*", "?"})});
      if (g.chance(40)) a.insert(a.end(), {"COUNT", g.num(1, 10)});
      out.push_back(g.cmd(std::move(a)));
      break;
    }
  }
}

}  // namespace codis::diff
