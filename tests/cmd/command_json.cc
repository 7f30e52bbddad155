// JSON rendering with the exact key order and separators of Python's json.dumps(..., separators=(",",":")).
#include "command_json.h"

#include <string_view>

namespace codis::cmd::testing {
namespace {

void str(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

template <class Names>
void names(std::string& out, uint32_t bits, const Names& table, int count, std::string_view prefix = "") {
  out += '[';
  bool first = true;
  for (int i = 0; i < count; ++i) {
    if (!(bits & (1u << i))) continue;
    if (!first) out += ',';
    first = false;
    str(out, std::string(prefix) + std::string(table[i]));
  }
  out += ']';
}

void key_spec(std::string& out, const KeySpec& k) {
  out += '{';
  if (!k.notes.empty()) {
    out += "\"notes\":";
    str(out, k.notes);
    out += ',';
  }
  out += "\"flags\":";
  names(out, k.flags, kf::kNames, kf::kCount);
  out += ",\"begin_search\":";
  switch (k.begin) {
    case BeginSearch::kIndex:
      out += "{\"type\":\"index\",\"spec\":{\"index\":" + std::to_string(k.index) + "}}";
      break;
    case BeginSearch::kKeyword:
      out += "{\"type\":\"keyword\",\"spec\":{\"keyword\":";
      str(out, k.keyword);
      out += ",\"startfrom\":" + std::to_string(k.index) + "}}";
      break;
    case BeginSearch::kUnknown:
      out += "{\"type\":\"unknown\",\"spec\":{}}";
      break;
  }
  out += ",\"find_keys\":";
  switch (k.find) {
    case FindKeys::kRange:
      out += "{\"type\":\"range\",\"spec\":{\"lastkey\":" + std::to_string(k.lastkey) +
             ",\"keystep\":" + std::to_string(k.keystep) + ",\"limit\":" + std::to_string(k.limit) + "}}";
      break;
    case FindKeys::kKeynum:
      out += "{\"type\":\"keynum\",\"spec\":{\"keynumidx\":" + std::to_string(k.keynumidx) +
             ",\"firstkey\":" + std::to_string(k.firstkey) + ",\"keystep\":" + std::to_string(k.keystep) +
             "}}";
      break;
    case FindKeys::kUnknown:
      out += "{\"type\":\"unknown\",\"spec\":{}}";
      break;
  }
  out += '}';
}

}  // namespace

std::string command_json(const CommandSpec& c) {
  std::string out = "{\"name\":";
  str(out, c.name);
  out += ",\"arity\":" + std::to_string(c.arity) + ",\"flags\":";
  names(out, c.flags, flag::kNames, flag::kShownByCommand);
  out += ",\"first\":" + std::to_string(c.first_key) + ",\"last\":" + std::to_string(c.last_key) +
         ",\"step\":" + std::to_string(c.key_step) + ",\"acl\":";
  names(out, c.acl, acl::kNames, acl::kCount, "@");
  out += ",\"tips\":";
  names(out, c.tips, tip::kNames, tip::kCount);
  out += ",\"key_specs\":[";
  for (size_t i = 0; i < c.keys.n; ++i) {
    if (i) out += ',';
    key_spec(out, c.keys.v[i]);
  }
  out += "],\"subcommands\":[";
  for (size_t i = 0; i < c.subcommands.size(); ++i) {
    if (i) out += ',';
    str(out, c.subcommands[i].name);
  }
  out += "]}";
  return out;
}

}  // namespace codis::cmd::testing
