// Keys family: DEL/EXISTS/TYPE, the EXPIRE family with NX/XX/GT/LT, TTLs, RENAME, COPY, KEYS, SCAN,
// RANDOMKEY, TOUCH, DUMP/RESTORE round trips and SORT.
#include "tests/server_diff/gen.h"

namespace codis::diff {
namespace {

Command expire(Gen& g) {
  std::vector<std::string> a;
  switch (g.range(0, 3)) {
    case 0:
      a = {"EXPIRE", g.key(), g.chance(85) ? g.ttl_seconds() : g.ttl_nonpositive()};
      break;
    case 1:
      a = {"PEXPIRE", g.key(), g.chance(85) ? g.ttl_millis() : g.ttl_nonpositive()};
      break;
    case 2:
      a = {"EXPIREAT", g.key(), g.at_seconds()};
      break;
    default:
      a = {"PEXPIREAT", g.key(), g.at_millis()};
      break;
  }
  if (g.chance(40)) a.push_back(g.pick_str({"NX", "XX", "GT", "LT", "gt"}));
  if (g.chance(4)) a.push_back(g.pick_str({"XX", "LT", "NX"}));  // conflicting or repeated
  if (g.chance(2)) a[2] = g.pick_str({"9223372036854775807", "-9223372036854775808", "1.5"});
  return g.cmd(std::move(a));
}

Command scan(Gen& g) {
  std::vector<std::string> a = {"SCAN",
                                g.chance(97) ? "0" : g.pick_str({"abc", "-1", "18446744073709551616"})};
  if (g.chance(40)) a.insert(a.end(), {"MATCH", g.pattern()});
  if (g.chance(40)) a.insert(a.end(), {"COUNT", g.chance(90) ? g.num(1, 20) : g.pick_str({"0", "-1", "x"})});
  if (g.chance(25))
    a.insert(a.end(), {"TYPE", g.pick_str({"string", "list", "set", "zset", "hash", "nosuch"})});
  return g.cmd(std::move(a));
}

// DUMP then RESTORE of the payload; the runner substitutes the $DUMP stand-ins (command.h).
void dump_restore(Gen& g, std::vector<Command>& out) {
  const std::string src = g.key();
  out.push_back(g.cmd({"DUMP", src}));
  std::vector<std::string> a = {"RESTORE", g.key(), g.chance(70) ? "0" : g.ttl_millis(),
                                std::string(kDumpOfReference)};
  if (g.chance(60)) a.push_back("REPLACE");
  if (a[2] == "0" && g.chance(20)) {
    a[2] = g.at_millis();
    a.push_back("ABSTTL");
  }
  if (g.chance(10)) a.insert(a.end(), {"IDLETIME", g.num(0, 1000)});
  if (g.chance(5)) a.insert(a.end(), {"FREQ", g.num(0, 255)});
  out.push_back(g.cmd(a));
  if (g.chance(50)) {
    // Each server loads the other's payload: the subject's DUMP must be readable by Redis and back.
    out.push_back(g.cmd({"RESTORE", g.key(), "0", std::string(kDumpSwapped), "REPLACE"}));
  }
}

Command sort(Gen& g) {
  std::vector<std::string> a = {g.chance(80) ? "SORT" : "SORT_RO", g.key()};
  bool alpha = g.chance(30);
  bool by_pattern = false;
  if (g.chance(35)) {
    // Ties under ALPHA with BY would leave the order to the sort algorithm: ALPHA never uses a pattern.
    const std::string by = alpha ? "nosort" : g.pick_str({"w_*", "h_*->f", "nosort", "nokey_*"});
    by_pattern = true;
    a.insert(a.end(), {"BY", by});
  }
  const bool nosort = by_pattern && a.back() == "nosort";
  if (g.chance(30) && !nosort) a.insert(a.end(), {"LIMIT", g.num(-1, 3), g.num(-1, 4)});
  if (g.chance(30)) {
    const int64_t gets = g.range(1, 2);
    for (int64_t i = 0; i < gets; ++i)
      a.insert(a.end(), {"GET", g.pick_str({"#", "w_*", "h_*->f", "nokey_*"})});
  }
  if (g.chance(25)) a.push_back(g.pick_str({"ASC", "DESC"}));
  if (alpha) a.push_back("ALPHA");
  if (g.chance(15)) a.insert(a.end(), {"STORE", g.key()});
  return g.cmd(std::move(a));
}

}  // namespace

void gen_keys(Gen& g, std::vector<Command>& out) {
  switch (g.range(0, 27)) {
    case 0:
    case 1: {
      std::vector<std::string> a = {g.chance(70) ? "DEL" : "UNLINK"};
      for (auto& k : g.keys(1, 3)) a.push_back(k);
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 2: {
      std::vector<std::string> a = {g.chance(70) ? "EXISTS" : "TOUCH"};
      for (auto& k : g.keys(1, 3)) a.push_back(k);
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 3:
    case 4:
      out.push_back(g.cmd({"TYPE", g.key()}));
      break;
    case 5:
    case 6:
    case 7:
      out.push_back(expire(g));
      break;
    case 8:
    case 9:
      out.push_back(g.cmd({g.pick_str({"TTL", "PTTL"}), g.key()}));
      break;
    case 10:
      out.push_back(g.cmd({g.pick_str({"EXPIRETIME", "PEXPIRETIME"}), g.key()}));
      break;
    case 11:
      out.push_back(g.cmd({"PERSIST", g.key()}));
      break;
    case 12:
      out.push_back(g.cmd({g.pick_str({"RENAME", "RENAMENX"}), g.key(), g.key()}));
      break;
    case 13: {
      std::vector<std::string> a = {"COPY", g.key(), g.key()};
      if (g.chance(30)) a.insert(a.end(), {"DB", g.db()});
      if (g.chance(40)) a.push_back("REPLACE");
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 14:
    case 15:
      out.push_back(g.cmd({"KEYS", g.pattern()}));
      break;
    case 16:
    case 17:
      out.push_back(scan(g));
      break;
    case 18:
      out.push_back(g.cmd({"RANDOMKEY"}));
      break;
    case 19:
    case 20:
    case 21:
      dump_restore(g, out);
      break;
    case 22:
      // RESTORE of something that is not a payload.
      out.push_back(g.cmd({"RESTORE", g.key(), g.pick_str({"0", "-1", "abc"}), g.value()}));
      break;
    case 23:
    case 24:
    case 25:
      out.push_back(sort(g));
      break;
    case 26:
      out.push_back(g.cmd({"DBSIZE"}));
      break;
    default:
      out.push_back(g.cmd({"EXISTS", g.key(), g.key()}));
      break;
  }
}

}  // namespace codis::diff
