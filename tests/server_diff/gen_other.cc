// The small families: HyperLogLog (PFADD/PFCOUNT/PFMERGE, sparse and dense), databases and connection
// (SELECT/SWAPDB/FLUSHDB/MOVE/DBSIZE/PING/ECHO) and OBJECT.
#include "tests/server_diff/gen.h"

namespace codis::diff {

void gen_hll(Gen& g, std::vector<Command>& out) {
  switch (g.range(0, 5)) {
    case 0:
    case 1:
    case 2: {
      std::vector<std::string> a = {"PFADD", g.key()};
      // Rarely enough elements to turn the sparse representation dense.
      const int64_t n = g.chance(3) ? g.range(1500, 3000) : g.range(0, 5);
      const int64_t base = g.range(0, 1000000);
      for (int64_t i = 0; i < n; ++i) a.push_back(n > 5 ? "e" + std::to_string(base + i) : g.member());
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 3:
    case 4: {
      std::vector<std::string> a = {"PFCOUNT"};
      for (auto& k : g.keys(1, 3)) a.push_back(k);
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    default: {
      std::vector<std::string> a = {"PFMERGE", g.key()};
      for (auto& k : g.keys(0, 2)) a.push_back(k);
      out.push_back(g.cmd(std::move(a)));
      break;
    }
  }
}

void gen_db(Gen& g, std::vector<Command>& out) {
  switch (g.range(0, 9)) {
    case 0:
    case 1:
    case 2:
      out.push_back(g.cmd({"SELECT", g.db()}));
      break;
    case 3:
      out.push_back(g.cmd({"SWAPDB", g.db(), g.db()}));
      break;
    case 4:
      // Rare: a flush empties what the other families built.
      if (g.chance(30)) {
        std::vector<std::string> a = {"FLUSHDB"};
        if (g.chance(40)) a.push_back(g.pick_str({"SYNC", "ASYNC", "LAZY"}));
        out.push_back(g.cmd(std::move(a)));
      } else {
        out.push_back(g.cmd({"DBSIZE"}));
      }
      break;
    case 5:
    case 6:
      out.push_back(g.cmd({"MOVE", g.key(), g.db()}));
      break;
    case 7:
      out.push_back(g.cmd({"DBSIZE"}));
      break;
    case 8: {
      std::vector<std::string> a = {"PING"};
      if (g.chance(50)) a.push_back(g.value());
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    default:
      out.push_back(g.cmd({"ECHO", g.value()}));
      break;
  }
}

void gen_object(Gen& g, std::vector<Command>& out) {
  const std::string sub =
      g.chance(95)
          ? g.pick_str({"ENCODING", "ENCODING", "ENCODING", "REFCOUNT", "IDLETIME", "FREQ", "encoding"})
          : "NOSUCH";
  out.push_back(g.cmd({"OBJECT", sub, g.key()}));
}

}  // namespace codis::diff
