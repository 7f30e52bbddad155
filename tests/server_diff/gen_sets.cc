// Sets family: SADD/SREM (intsets and hash tables, sometimes past 512 integers), membership, SPOP and
// SRANDMEMBER with counts, SMOVE, the algebra with and without STORE, SINTERCARD and SSCAN.
#include "tests/server_diff/gen.h"

namespace codis::diff {
namespace {

std::vector<std::string> with_keys(Gen& g, std::vector<std::string> a, int lo, int hi) {
  for (auto& k : g.keys(lo, hi)) a.push_back(k);
  return a;
}

}  // namespace

void gen_sets(Gen& g, std::vector<Command>& out) {
  switch (g.range(0, 22)) {
    case 0:
    case 1:
    case 2:
    case 3: {
      std::vector<std::string> a = {"SADD", g.key()};
      if (g.chance(2)) {
        // Past set-max-intset-entries (512): intset to hash table.
        for (int i = 0; i < 520; ++i) a.push_back(std::to_string(i * 3));
      } else {
        for (int64_t i = g.range(1, 4); i > 0; --i) a.push_back(g.member());
      }
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 4:
    case 5: {
      std::vector<std::string> a = {"SREM", g.key()};
      for (int64_t i = g.range(1, 3); i > 0; --i) a.push_back(g.member());
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 6:
      out.push_back(g.cmd({"SMEMBERS", g.key()}));
      break;
    case 7:
      out.push_back(g.cmd({"SISMEMBER", g.key(), g.member()}));
      break;
    case 8: {
      std::vector<std::string> a = {"SMISMEMBER", g.key()};
      for (int64_t i = g.range(1, 4); i > 0; --i) a.push_back(g.member());
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 9:
      out.push_back(g.cmd({"SCARD", g.key()}));
      break;
    case 10:
    case 11: {
      std::vector<std::string> a = {"SPOP", g.key()};
      if (g.chance(60)) a.push_back(g.chance(90) ? g.num(0, 6) : g.pick_str({"-1", "abc", "1000"}));
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 12:
    case 13: {
      std::vector<std::string> a = {"SRANDMEMBER", g.key()};
      if (g.chance(70)) a.push_back(g.count());
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 14:
      out.push_back(g.cmd({"SMOVE", g.key(), g.key(), g.member()}));
      break;
    case 15:
    case 16:
      out.push_back(g.cmd(with_keys(g, {g.pick_str({"SINTER", "SUNION", "SDIFF"})}, 1, 3)));
      break;
    case 17:
    case 18:
      out.push_back(
          g.cmd(with_keys(g, {g.pick_str({"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"}), g.key()}, 1, 3)));
      break;
    case 19: {
      const auto keys = g.keys(1, 3);
      std::vector<std::string> a = {
          "SINTERCARD", g.chance(95) ? std::to_string(keys.size()) : g.pick_str({"0", "-1", "9"})};
      a.insert(a.end(), keys.begin(), keys.end());
      if (g.chance(40)) a.insert(a.end(), {"LIMIT", g.chance(90) ? g.num(0, 4) : "-1"});
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 20: {
      std::vector<std::string> a = {"SSCAN", g.key(), "0"};
      if (g.chance(30)) a.insert(a.end(), {"MATCH", g.pick_str({"1*", "*a*", "?"})});
      if (g.chance(40)) a.insert(a.end(), {"COUNT", g.num(1, 10)});
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    default:
      out.push_back(g.cmd({"SADD", g.key(), g.num(1, 3), g.num(1, 3)}));
      break;  // SORT material
  }
}

}  // namespace codis::diff
