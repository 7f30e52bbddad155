// Lists family: pushes and pops (with counts), ranges and indexes (including huge and negative ones),
// LINSERT/LREM/LTRIM/LPOS, moves, LMPOP, and the blocking commands with short timeouts.
#include "tests/server_diff/gen.h"

namespace codis::diff {
namespace {

std::string side(Gen& g) {
  return g.chance(97) ? g.pick_str({"LEFT", "RIGHT", "left"}) : "MIDDLE";
}

Command push(Gen& g) {
  std::vector<std::string> a = {g.pick_str({"LPUSH", "RPUSH", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX"}),
                                g.key()};
  // Now and then a long push, past the size of one quicklist node.
  const int64_t n = g.chance(2) ? g.range(130, 300) : g.range(1, 4);
  for (int64_t i = 0; i < n; ++i) a.push_back(g.member());
  return g.cmd(std::move(a));
}

Command lpos(Gen& g) {
  std::vector<std::string> a = {"LPOS", g.key(), g.member()};
  if (g.chance(40))
    a.insert(a.end(), {"RANK", g.chance(90) ? g.num(-3, 3) : g.pick_str({"-9223372036854775808", "x"})});
  if (g.chance(40)) a.insert(a.end(), {"COUNT", g.count()});
  if (g.chance(30)) a.insert(a.end(), {"MAXLEN", g.count()});
  return g.cmd(std::move(a));
}

Command lmpop(Gen& g, bool blocking) {
  std::vector<std::string> a = {blocking ? "BLMPOP" : "LMPOP"};
  if (blocking) a.push_back(g.timeout());
  const auto keys = g.keys(1, 3);
  a.push_back(g.chance(95) ? std::to_string(keys.size()) : g.pick_str({"0", "-1", "5"}));
  a.insert(a.end(), keys.begin(), keys.end());
  a.push_back(side(g));
  if (g.chance(50)) a.insert(a.end(), {"COUNT", g.chance(90) ? g.num(1, 5) : g.pick_str({"0", "-1"})});
  return g.cmd(std::move(a));
}

}  // namespace

void gen_lists(Gen& g, std::vector<Command>& out) {
  switch (g.range(0, 24)) {
    case 0:
    case 1:
    case 2:
    case 3:
      out.push_back(push(g));
      break;
    case 4:
    case 5: {
      std::vector<std::string> a = {g.pick_str({"LPOP", "RPOP"}), g.key()};
      if (g.chance(40)) a.push_back(g.count());
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 6:
      out.push_back(g.cmd({"LLEN", g.key()}));
      break;
    case 7:
    case 8:
      out.push_back(g.cmd({"LRANGE", g.key(), g.index(), g.index()}));
      break;
    case 9:
      out.push_back(g.cmd({"LINDEX", g.key(), g.index()}));
      break;
    case 10:
      out.push_back(g.cmd({"LSET", g.key(), g.index(), g.member()}));
      break;
    case 11:
      out.push_back(g.cmd({"LINSERT", g.key(), g.chance(95) ? g.pick_str({"BEFORE", "AFTER"}) : "MIDDLE",
                           g.member(), g.member()}));
      break;
    case 12:
      out.push_back(g.cmd({"LREM", g.key(), g.num(-3, 3), g.member()}));
      break;
    case 13:
      out.push_back(g.cmd({"LTRIM", g.key(), g.index(), g.index()}));
      break;
    case 14:
      out.push_back(lpos(g));
      break;
    case 15:
      out.push_back(g.cmd({"LMOVE", g.key(), g.key(), side(g), side(g)}));
      break;
    case 16:
      out.push_back(g.cmd({"RPOPLPUSH", g.key(), g.key()}));
      break;
    case 17:
      out.push_back(lmpop(g, false));
      break;
    case 18: {
      std::vector<std::string> a = {g.pick_str({"BLPOP", "BRPOP"})};
      for (auto& k : g.keys(1, 3)) a.push_back(k);
      a.push_back(g.timeout());
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 19:
      out.push_back(g.cmd({"BLMOVE", g.key(), g.key(), side(g), side(g), g.timeout()}));
      break;
    case 20:
      out.push_back(g.cmd({"BRPOPLPUSH", g.key(), g.key(), g.timeout()}));
      break;
    case 21:
      out.push_back(lmpop(g, true));
      break;
    default:
      out.push_back(g.cmd({"LRANGE", g.key(), "0", "-1"}));
      break;
  }
}

}  // namespace codis::diff
