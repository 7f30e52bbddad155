// Strings family: GET/SET with every option, the INCR family, ranges, bits, BITFIELD, LCS.
#include "tests/server_diff/gen.h"

namespace codis::diff {
namespace {

// SET's expiry options, one or none; sometimes an invalid or conflicting one.
void expiry_option(Gen& g, std::vector<std::string>& a) {
  switch (g.range(0, 9)) {
    case 0:
      a.insert(a.end(), {"EX", g.ttl_seconds()});
      break;
    case 1:
      a.insert(a.end(), {"PX", g.ttl_millis()});
      break;
    case 2:
      a.insert(a.end(), {"EXAT", g.at_seconds(false)});
      break;
    case 3:
      a.insert(a.end(), {"PXAT", g.at_millis(false)});
      break;
    case 4:
      a.push_back("KEEPTTL");
      break;
    case 5:
      if (g.chance(50)) a.insert(a.end(), {g.pick_str({"EX", "PX", "EXAT", "PXAT"}), g.ttl_nonpositive()});
      break;
    default:
      break;
  }
}

std::string bitfield_type(Gen& g) {
  if (g.chance(90)) return g.pick_str({"u8", "i8", "u4", "i16", "u1", "i64", "u63", "i5", "u16"});
  return g.pick_str({"u64", "i65", "x8", "u0", "8"});
}

std::string bitfield_offset(Gen& g) {
  if (g.chance(85)) return g.num(0, 40);
  if (g.chance(60)) return "#" + g.num(0, 3);
  return g.pick_str({"-1", "4294967296", "#-1", "abc"});
}

Command bitfield(Gen& g, bool read_only) {
  std::vector<std::string> a = {read_only ? "BITFIELD_RO" : "BITFIELD", g.key()};
  const int64_t ops = g.range(read_only ? 1 : 0, 3);
  for (int64_t i = 0; i < ops; ++i) {
    const int64_t op = read_only ? 0 : g.range(0, 3);
    if (op == 0) {
      a.insert(a.end(), {"GET", bitfield_type(g), bitfield_offset(g)});
    } else if (op == 1) {
      a.insert(a.end(), {"SET", bitfield_type(g), bitfield_offset(g), g.integer()});
    } else if (op == 2) {
      a.insert(a.end(), {"INCRBY", bitfield_type(g), bitfield_offset(g), g.integer()});
    } else {
      a.insert(a.end(), {"OVERFLOW", g.pick_str({"WRAP", "SAT", "FAIL", "NONE"})});
    }
  }
  return g.cmd(std::move(a));
}

Command set_command(Gen& g) {
  std::vector<std::string> a = {"SET", g.key(), g.value()};
  expiry_option(g, a);
  if (g.chance(25)) a.push_back(g.pick_str({"NX", "XX", "NX"}));
  if (g.chance(3)) a.push_back(g.pick_str({"XX", "NX", "KEEPTTL"}));  // conflicts
  if (g.chance(20)) a.push_back("GET");
  // Redis reads options in any order.
  if (a.size() > 4 && g.chance(50)) std::swap(a[3], a[a.size() - 1]);
  return g.cmd(std::move(a));
}

Command getex(Gen& g) {
  std::vector<std::string> a = {"GETEX", g.key()};
  switch (g.range(0, 6)) {
    case 0:
      a.insert(a.end(), {"EX", g.ttl_seconds()});
      break;
    case 1:
      a.insert(a.end(), {"PX", g.ttl_millis()});
      break;
    case 2:
      a.insert(a.end(), {"EXAT", g.at_seconds()});
      break;
    case 3:
      a.insert(a.end(), {"PXAT", g.at_millis()});
      break;
    case 4:
      a.push_back("PERSIST");
      break;
    case 5:
      a.insert(a.end(), {"EX", g.ttl_nonpositive()});
      break;
    default:
      break;
  }
  return g.cmd(std::move(a));
}

Command lcs(Gen& g) {
  std::vector<std::string> a = {"LCS", g.key(), g.key()};
  if (g.chance(30)) {
    a.push_back("LEN");
  } else if (g.chance(50)) {
    a.push_back("IDX");
    if (g.chance(50)) a.insert(a.end(), {"MINMATCHLEN", g.num(0, 4)});
    if (g.chance(50)) a.push_back("WITHMATCHLEN");
  }
  return g.cmd(std::move(a));
}

Command bit_range(Gen& g, std::vector<std::string> a) {
  if (g.chance(60)) {
    a.push_back(g.index());
    if (g.chance(80)) a.push_back(g.index());
    if (g.chance(40)) a.push_back(g.pick_str({"BYTE", "BIT", "bit", "WORD"}));
  }
  return g.cmd(std::move(a));
}

Command offset_bit(Gen& g, const char* name) {
  std::string offset = g.chance(90) ? g.num(0, 100) : g.pick_str({"8000", "-1", "4294967296", "abc"});
  std::vector<std::string> a = {name, g.key(), offset};
  if (name[0] == 'S') a.push_back(g.chance(95) ? g.pick_str({"0", "1"}) : g.pick_str({"2", "-1", "a"}));
  return g.cmd(std::move(a));
}

}  // namespace

void gen_strings(Gen& g, std::vector<Command>& out) {
  switch (g.range(0, 33)) {
    case 0:
    case 1:
      out.push_back(g.cmd({"GET", g.key()}));
      break;
    case 2:
    case 3:
      out.push_back(set_command(g));
      break;
    case 4:
      out.push_back(g.cmd({"SETNX", g.key(), g.value()}));
      break;
    case 5:
      out.push_back(
          g.cmd({"SETEX", g.key(), g.chance(90) ? g.ttl_seconds() : g.ttl_nonpositive(), g.value()}));
      break;
    case 6:
      out.push_back(
          g.cmd({"PSETEX", g.key(), g.chance(90) ? g.ttl_millis() : g.ttl_nonpositive(), g.value()}));
      break;
    case 7:
      out.push_back(getex(g));
      break;
    case 8:
      out.push_back(g.cmd({"GETDEL", g.key()}));
      break;
    case 9:
      out.push_back(g.cmd({"GETSET", g.key(), g.value()}));
      break;
    case 10: {
      std::vector<std::string> a = {"MGET"};
      for (auto& k : g.keys(1, 4)) a.push_back(k);
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 11:
    case 12: {
      std::vector<std::string> a = {g.chance(70) ? "MSET" : "MSETNX"};
      for (auto& k : g.keys(1, 3)) a.insert(a.end(), {k, g.value()});
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 13:
      out.push_back(g.cmd({"APPEND", g.key(), g.value()}));
      break;
    case 14:
      out.push_back(g.cmd({"STRLEN", g.key()}));
      break;
    case 15:
    case 16:
      out.push_back(g.cmd({g.pick_str({"INCR", "DECR"}), g.key()}));
      break;
    case 17:
      out.push_back(g.cmd({g.pick_str({"INCRBY", "DECRBY"}), g.key(), g.integer()}));
      break;
    case 18:
      out.push_back(g.cmd({"INCRBYFLOAT", g.key(), g.float_incr()}));
      break;
    case 19:
      out.push_back(g.cmd({g.pick_str({"GETRANGE", "SUBSTR"}), g.key(), g.index(), g.index()}));
      break;
    case 20: {
      std::string offset = g.chance(90) ? g.num(0, 20) : g.pick_str({"1000", "-1", "536870912", "abc"});
      out.push_back(g.cmd({"SETRANGE", g.key(), offset, g.value()}));
      break;
    }
    case 21:
      out.push_back(offset_bit(g, "SETBIT"));
      break;
    case 22:
      out.push_back(offset_bit(g, "GETBIT"));
      break;
    case 23:
      out.push_back(bit_range(g, {"BITCOUNT", g.key()}));
      break;
    case 24:
      out.push_back(bit_range(g, {"BITPOS", g.key(), g.chance(95) ? g.pick_str({"0", "1"}) : "2"}));
      break;
    case 25:
    case 26: {
      const std::string op = g.pick_str({"AND", "OR", "XOR", "NOT", "and", "NAND"});
      std::vector<std::string> a = {"BITOP", op, g.key()};
      for (auto& k : g.keys(1, op == "NOT" && g.chance(80) ? 1 : 3)) a.push_back(k);
      out.push_back(g.cmd(std::move(a)));
      break;
    }
    case 27:
    case 28:
      out.push_back(bitfield(g, false));
      break;
    case 29:
      out.push_back(bitfield(g, true));
      break;
    case 30:
    case 31:
      out.push_back(lcs(g));
      break;
    case 32:
      out.push_back(g.cmd({"SET", g.key(), g.num(-1000, 100000)}));
      break;  // int encoding
    default:
      out.push_back(g.cmd({"SET", g.key(), g.value(), "GET"}));
      break;
  }
}

}  // namespace codis::diff
