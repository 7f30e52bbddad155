// HyperLogLog family: PFADD (few elements, or enough to grow the sparse form and turn it dense), PFCOUNT
// (one key refreshes the cached count in the value's bytes, several count a union), PFMERGE, PFDEBUG, and
// the value's bytes themselves (GET), including values damaged by string commands (INVALIDOBJ and the
// HyperLogLog WRONGTYPE).
#include "tests/server_diff/gen.h"

namespace codis::diff {

namespace {

Command pfadd(Gen& g) {
  std::vector<std::string> a = {"PFADD", g.key()};
  // Rarely enough elements to turn the sparse representation dense, sometimes enough for long VAL runs.
  const int64_t n = g.chance(3) ? g.range(1500, 3000) : (g.chance(10) ? g.range(20, 300) : g.range(0, 5));
  const int64_t base = g.range(0, 1000000);
  for (int64_t i = 0; i < n; ++i) a.push_back(n > 5 ? "e" + std::to_string(base + i) : g.member());
  return g.cmd(std::move(a));
}

// A string write that may damage an HLL: the header (magic, encoding, cached count) or the sparse body.
Command damage(Gen& g) {
  switch (g.range(0, 3)) {
    case 0:
      return g.cmd({"SETRANGE", g.key(), g.num(0, 20),
                    g.pick<std::string>({std::string(1, '\0'), "\x01", "\x02", "\x7f", "\x80", "\xff", "x",
                                         "\x40\x01", "\x81\x82"})});
    case 1:
      return g.cmd({"APPEND", g.key(), g.pick_str({"\x80", "\x01", "\x7f\xff", "x"})});
    case 2:
      return g.cmd({"SET", g.key(), g.pick_str({"HYLL", "notanhll", ""})});
    default:
      return g.cmd({"SETRANGE", g.key(), "15", "\x80"});  // stale cache: the next PFCOUNT recomputes
  }
}

}  // namespace

void gen_hll(Gen& g, std::vector<Command>& out) {
  switch (g.range(0, 13)) {
    case 0:
    case 1:
    case 2:
    case 3:
      out.push_back(pfadd(g));
      break;
    case 4:
    case 5:
    case 6: {
      std::vector<std::string> a = {"PFCOUNT"};
      for (auto& k : g.keys(1, 3)) a.push_back(k);
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 7:
    case 8: {
      std::vector<std::string> a = {"PFMERGE", g.key()};
      for (auto& k : g.keys(0, 2)) a.push_back(k);
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 9:
    case 10:
      out.push_back(g.cmd({"GET", g.key()}));
      break;
    case 11: {
      // GETREG replies 16384 registers: rarely.
      const std::string sub = g.chance(10) ? "GETREG" : g.pick_str({"ENCODING", "DECODE", "TODENSE", "FOO"});
      out.push_back(g.cmd({"PFDEBUG", sub, g.key()}));
      break;
    }
    case 12:
      if (g.chance(25)) {
        out.push_back(damage(g));
      } else if (g.chance(40)) {
        out.push_back(g.cmd({"DEL", g.key()}));  // a damaged value does not stay for the rest of the stream
      } else {
        out.push_back(g.cmd({"STRLEN", g.key()}));
      }
      break;
    default:
      out.push_back(g.cmd({"PFCOUNT", g.key()}));
      break;
  }
}

}  // namespace codis::diff
