// Hashes family: HSET/HSETNX/HMSET, reads, HINCRBY(FLOAT), HSTRLEN, HRANDFIELD and HSCAN.
#include "tests/server_diff/gen.h"

namespace codis::diff {

void gen_hashes(Gen& g, std::vector<Command>& out) {
  switch (g.range(0, 20)) {
    case 0:
    case 1:
    case 2: {
      std::vector<std::string> a = {g.chance(80) ? "HSET" : "HMSET", g.key()};
      // Now and then past the compact encoding's 128 entries.
      const int64_t n = g.chance(2) ? g.range(130, 200) : g.range(1, 3);
      for (int64_t i = 0; i < n; ++i) {
        a.insert(a.end(), {n > 3 ? "bulk" + std::to_string(i) : g.field(), g.value()});
      }
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 3:
      out.push_back(g.cmd({"HSETNX", g.key(), g.field(), g.value()}));
      break;
    case 4:
    case 5:
      out.push_back(g.cmd({"HGET", g.key(), g.field()}));
      break;
    case 6: {
      std::vector<std::string> a = {"HMGET", g.key()};
      for (int64_t i = g.range(1, 4); i > 0; --i) a.push_back(g.field());
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 7:
      out.push_back(g.cmd({"HGETALL", g.key()}));
      break;
    case 8: {
      std::vector<std::string> a = {"HDEL", g.key()};
      for (int64_t i = g.range(1, 3); i > 0; --i) a.push_back(g.field());
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 9:
      out.push_back(g.cmd({"HLEN", g.key()}));
      break;
    case 10:
      out.push_back(g.cmd({"HEXISTS", g.key(), g.field()}));
      break;
    case 11:
      out.push_back(g.cmd({g.pick_str({"HKEYS", "HVALS"}), g.key()}));
      break;
    case 12:
      out.push_back(g.cmd({"HSTRLEN", g.key(), g.field()}));
      break;
    case 13:
    case 14:
      out.push_back(g.cmd({"HINCRBY", g.key(), g.field(), g.integer()}));
      break;
    case 15:
      out.push_back(g.cmd({"HINCRBYFLOAT", g.key(), g.field(), g.float_incr()}));
      break;
    case 16:
    case 17: {
      std::vector<std::string> a = {"HRANDFIELD", g.key()};
      if (g.chance(70)) {
        a.push_back(g.count());
        if (g.chance(50)) a.push_back("WITHVALUES");
      }
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 18: {
      std::vector<std::string> a = {"HSCAN", g.key(), "0"};
      if (g.chance(30)) a.insert(a.end(), {"MATCH", g.pick_str({"f*", "*1", "bulk1*", "[f]?"})});
      if (g.chance(40)) a.insert(a.end(), {"COUNT", g.num(1, 10)});
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    default:
      out.push_back(g.cmd({"HSET", "h_" + g.num(1, 2), "f", g.num(-5, 5)}));
      break;  // SORT GET h_*->f
  }
}

}  // namespace codis::diff
