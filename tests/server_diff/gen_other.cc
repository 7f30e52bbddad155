// The small families: databases and connection (SELECT/SWAPDB/FLUSHDB/MOVE/DBSIZE/PING/ECHO) and OBJECT.
// HyperLogLog is in gen_hll.cc.
#include "tests/server_diff/gen.h"

namespace codis::diff {

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
