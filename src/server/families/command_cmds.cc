// COMMAND, COMMAND INFO/DOCS/COUNT/LIST/GETKEYS/GETKEYSANDFLAGS/HELP (Redis 7.0 server.c): INFO from the
// command table (src/cmd), DOCS from Redis's own replies (command_docs_data.cc).
#include <algorithm>
#include <string>

#include "cmd/keys.h"
#include "cmd/table.h"
#include "server/families/command_docs.h"
#include "server/families/intro_util.h"
#include "server/families/util.h"
#include "server/glob.h"

namespace codis::server {

namespace {

using cmd::CommandSpec;

// lookupCommandBySds: "name" or "container|sub" (one level), case-insensitive.
const CommandSpec* lookup_full_name(std::string_view s) {
  const size_t bar = s.find('|');
  if (bar == std::string_view::npos) {
    return s.empty() ? nullptr : cmd::lookup(s);
  }
  const CommandSpec* c = cmd::lookup(s.substr(0, bar));
  const std::string_view sub = s.substr(bar + 1);
  if (c == nullptr || !c->is_container() || sub.find('|') != std::string_view::npos) {
    return nullptr;
  }
  return cmd::lookup_subcommand(*c, sub);
}

template <size_t N>
void reply_bits(CommandContext& ctx, uint32_t bits, int count, const std::array<std::string_view, N>& names,
                std::string_view prefix = {}) {
  size_t n = 0;
  for (int b = 0; b < count; ++b) {
    n += (bits >> b) & 1u;
  }
  ctx.out.set(n);
  std::string buf;
  for (int b = 0; b < count; ++b) {
    if ((bits >> b) & 1u) {
      buf.assign(prefix);
      buf.append(names[static_cast<size_t>(b)]);
      ctx.out.simple(buf);
    }
  }
}

void reply_tips(CommandContext& ctx, const CommandSpec& c) {
  for (size_t i = 0; i < kRedisTipOrdersCount; ++i) {
    if (kRedisTipOrders[i].name == c.name) {
      const auto& tips = kRedisTipOrders[i].tips;
      ctx.out.set(
          static_cast<size_t>(std::count_if(tips.begin(), tips.end(), [](auto t) { return !t.empty(); })));
      for (std::string_view t : tips) {
        if (!t.empty()) {
          ctx.out.bulk(t);
        }
      }
      return;
    }
  }
  size_t n = 0;
  for (int b = 0; b < cmd::tip::kCount; ++b) {
    n += (c.tips >> b) & 1u;
  }
  ctx.out.set(n);
  for (int b = 0; b < cmd::tip::kCount; ++b) {
    if ((c.tips >> b) & 1u) {
      ctx.out.bulk(cmd::tip::kNames[static_cast<size_t>(b)]);
    }
  }
}

// One half of a key spec: {type: <type>, spec: {name: value, ...}} with integer values (the keyword,
// a string, is written by the caller before the integers when `keyword` is set).
void reply_spec_part(CommandContext& ctx, std::string_view type,
                     std::initializer_list<std::pair<std::string_view, int64_t>> fields,
                     std::string_view keyword = {}) {
  ctx.out.map(2);
  ctx.out.bulk("type");
  ctx.out.bulk(type);
  ctx.out.bulk("spec");
  ctx.out.map(fields.size() + (keyword.empty() ? 0 : 1));
  if (!keyword.empty()) {
    ctx.out.bulk("keyword");
    ctx.out.bulk(keyword);
  }
  for (const auto& [name, v] : fields) {
    ctx.out.bulk(name);
    ctx.out.integer(v);
  }
}

void reply_key_specs(CommandContext& ctx, const CommandSpec& c) {
  auto specs = c.keys.view();
  ctx.out.set(specs.size());
  for (const cmd::KeySpec& s : specs) {
    ctx.out.map(s.notes.empty() ? 3 : 4);
    if (!s.notes.empty()) {
      ctx.out.bulk("notes");
      ctx.out.bulk(s.notes);
    }
    ctx.out.bulk("flags");
    reply_bits(ctx, s.flags, cmd::kf::kCount, cmd::kf::kNames);
    ctx.out.bulk("begin_search");
    switch (s.begin) {
      case cmd::BeginSearch::kIndex:
        reply_spec_part(ctx, "index", {{"index", s.index}});
        break;
      case cmd::BeginSearch::kKeyword:
        reply_spec_part(ctx, "keyword", {{"startfrom", s.index}}, s.keyword);
        break;
      case cmd::BeginSearch::kUnknown:
        reply_spec_part(ctx, "unknown", {});
        break;
    }
    ctx.out.bulk("find_keys");
    switch (s.find) {
      case cmd::FindKeys::kRange:
        reply_spec_part(ctx, "range", {{"lastkey", s.lastkey}, {"keystep", s.keystep}, {"limit", s.limit}});
        break;
      case cmd::FindKeys::kKeynum:
        reply_spec_part(ctx, "keynum",
                        {{"keynumidx", s.keynumidx}, {"firstkey", s.firstkey}, {"keystep", s.keystep}});
        break;
      case cmd::FindKeys::kUnknown:
        reply_spec_part(ctx, "unknown", {});
        break;
    }
  }
}

// addReplyCommandInfo: a 10-element array, or null for an unknown name.
void reply_info(CommandContext& ctx, const CommandSpec* c) {
  if (c == nullptr) {
    ctx.out.null();
    return;
  }
  ctx.out.array(10);
  ctx.out.bulk(c->name);
  ctx.out.integer(c->arity);
  reply_bits(ctx, c->flags, cmd::flag::kShownByCommand, cmd::flag::kNames);
  ctx.out.integer(c->first_key);
  ctx.out.integer(c->last_key);
  ctx.out.integer(c->key_step);
  reply_bits(ctx, c->acl, cmd::acl::kCount, cmd::acl::kNames, "@");
  reply_tips(ctx, *c);
  reply_key_specs(ctx, *c);
  if (c->subcommands.empty()) {
    ctx.out.set(0);
  } else {
    ctx.out.array(c->subcommands.size());
    for (const CommandSpec& sub : c->subcommands) {
      reply_info(ctx, &sub);
    }
  }
}

void reply_all_info(CommandContext& ctx) {
  auto all = cmd::all_commands();
  ctx.out.array(all.size());
  for (const CommandSpec& c : all) {
    reply_info(ctx, &c);
  }
}

// COMMAND with no subcommand (needs the dispatcher to run a container's own handler when argc is 1).
void cmd_command(CommandContext& ctx) {
  reply_all_info(ctx);
}

void cmd_command_info(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    reply_all_info(ctx);
    return;
  }
  ctx.out.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    reply_info(ctx, lookup_full_name(ctx.arg(i)));
  }
}

void cmd_command_count(CommandContext& ctx) {
  ctx.out.integer(static_cast<int64_t>(cmd::all_commands().size()));
}

// Writes RESP3 bytes as the connection's protocol wants them: in RESP2 maps become arrays of twice the
// length and sets arrays (COMMAND DOCS holds only maps, sets, arrays, bulk and simple strings, integers).
void write_resp3(CommandContext& ctx, std::string_view r) {
  if (ctx.out.resp3()) {
    ctx.out.raw(r);
    return;
  }
  size_t pos = 0;
  while (pos < r.size()) {
    const size_t eol = r.find("\r\n", pos);
    const char t = r[pos];
    const std::string_view head = r.substr(pos + 1, eol - pos - 1);
    size_t next = eol + 2;
    if (t == '%' || t == '~') {
      int64_t n = 0;
      resp::parse_ll(head, &n);
      ctx.out.array(static_cast<size_t>(t == '%' ? 2 * n : n));
    } else {
      if (t == '$') {
        int64_t n = 0;
        resp::parse_ll(head, &n);
        next += static_cast<size_t>(n) + 2;
      }
      ctx.out.raw(r.substr(pos, next - pos));
    }
    pos = next;
  }
}

const CommandDoc* find_doc(std::string_view name) {
  const CommandDoc* begin = kRedisCommandDocs;
  const CommandDoc* end = kRedisCommandDocs + kRedisCommandDocsCount;
  auto it =
      std::lower_bound(begin, end, name, [](const CommandDoc& d, std::string_view n) { return d.name < n; });
  return it != end && it->name == name ? it : nullptr;
}

// A command Redis does not have (codis-server's own): its summary and group from the table.
void reply_docs(CommandContext& ctx, const CommandSpec& c) {
  if (const CommandDoc* d = find_doc(c.name)) {
    write_resp3(ctx, d->resp3);
    return;
  }
  ctx.out.map(2 + (c.subcommands.empty() ? 0 : 1));
  ctx.out.bulk("summary");
  ctx.out.bulk(c.summary);
  ctx.out.bulk("group");
  ctx.out.bulk(c.group);
  if (!c.subcommands.empty()) {
    ctx.out.bulk("subcommands");
    ctx.out.map(c.subcommands.size());
    for (const CommandSpec& sub : c.subcommands) {
      ctx.out.bulk(sub.name);
      reply_docs(ctx, sub);
    }
  }
}

// COMMAND DOCS [name ...]: a map of name -> docs; unknown names are left out.
void cmd_command_docs(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    auto all = cmd::all_commands();
    ctx.out.map(all.size());
    for (const CommandSpec& c : all) {
      ctx.out.bulk(c.name);
      reply_docs(ctx, c);
    }
    return;
  }
  std::vector<const CommandSpec*> found;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (const CommandSpec* c = lookup_full_name(ctx.arg(i))) {
      found.push_back(c);
    }
  }
  ctx.out.map(found.size());
  for (const CommandSpec* c : found) {
    ctx.out.bulk(c->name);
    reply_docs(ctx, *c);
  }
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob]: commands and subcommands.
void cmd_command_list(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string_view arg;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (iequals(ctx.arg(i), "filterby") && ctx.argc() - 1 - i == 2) {
      const std::string_view type = ctx.arg(i + 1);
      if (iequals(type, "module")) {
        filter = Filter::kModule;
      } else if (iequals(type, "aclcat")) {
        filter = Filter::kAclCat;
      } else if (iequals(type, "pattern")) {
        filter = Filter::kPattern;
      } else {
        ctx.out.error(err::kSyntax);
        return;
      }
      arg = ctx.arg(i + 2);
      i += 2;
    } else {
      ctx.out.error(err::kSyntax);
      return;
    }
  }
  uint32_t cat = 0;
  if (filter == Filter::kAclCat) {
    for (size_t b = 0; b < cmd::acl::kNames.size(); ++b) {
      if (iequals(arg, cmd::acl::kNames[b])) {
        cat = 1u << b;
      }
    }
  }
  auto match = [&](const CommandSpec& c) {
    switch (filter) {
      case Filter::kNone:
        return true;
      case Filter::kModule:
        return false;  // no modules
      case Filter::kAclCat:
        return (c.acl & cat) != 0;
      case Filter::kPattern:
        return glob_match(arg, c.name, true);
    }
    return false;
  };
  std::vector<std::string_view> names;
  for (const CommandSpec& c : cmd::all_commands()) {
    if (match(c)) {
      names.push_back(c.name);
    }
    for (const CommandSpec& sub : c.subcommands) {
      if (match(sub)) {
        names.push_back(sub.name);
      }
    }
  }
  ctx.out.array(names.size());
  for (std::string_view n : names) {
    ctx.out.bulk(n);
  }
}

// COMMAND GETKEYS / GETKEYSANDFLAGS <command> [args...] (getKeysSubcommandImpl).
void getkeys(CommandContext& ctx, bool with_flags) {
  const std::span<const std::string_view> argv = ctx.argv.subspan(2);
  const CommandSpec* c = cmd::lookup(argv[0]);
  if (c != nullptr && c->is_container() && argv.size() >= 2) {
    c = cmd::lookup_subcommand(*c, argv[1]);
  }
  if (c == nullptr) {
    ctx.out.error("ERR Invalid command specified");
    return;
  }
  if (!cmd::may_have_keys(*c)) {
    ctx.out.error("ERR The command has no key arguments");
    return;
  }
  if (!cmd::check_arity(*c, argv.size())) {
    ctx.out.error("ERR Invalid number of arguments specified for command");
    return;
  }
  cmd::KeyList keys;
  const cmd::KeysError e = cmd::extract_keys(*c, argv, keys);
  if (e != cmd::KeysError::kNone || keys.empty()) {
    if (c->has(cmd::flag::kNoMandatoryKeys)) {
      ctx.out.array(0);
    } else {
      ctx.out.error("ERR Invalid arguments specified for command");
    }
    return;
  }
  ctx.out.array(keys.size());
  for (const cmd::KeyPos& k : keys) {
    if (with_flags) {
      ctx.out.array(2);
      ctx.out.bulk(argv[k.index]);
      reply_bits(ctx, k.flags, cmd::kf::kCount, cmd::kf::kNames);
    } else {
      ctx.out.bulk(argv[k.index]);
    }
  }
}

void cmd_command_getkeys(CommandContext& ctx) {
  getkeys(ctx, false);
}
void cmd_command_getkeysandflags(CommandContext& ctx) {
  getkeys(ctx, true);
}

void cmd_command_help(CommandContext& ctx) {
  reply_help(ctx, {"COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                   "(no subcommand)",
                   "    Return details about all Redis commands.",
                   "COUNT",
                   "    Return the total number of commands in this Redis server.",
                   "LIST",
                   "    Return a list of all commands in this Redis server.",
                   "INFO [<command-name> ...]",
                   "    Return details about multiple Redis commands.",
                   "    If no command names are given, documentation details for all",
                   "    commands are returned.",
                   "DOCS [<command-name> ...]",
                   "    Return documentation details about multiple Redis commands.",
                   "    If no command names are given, documentation details for all",
                   "    commands are returned.",
                   "GETKEYS <full-command>",
                   "    Return the keys from a full Redis command.",
                   "GETKEYSANDFLAGS <full-command>",
                   "    Return the keys and the access flags from a full Redis command.",
                   "HELP",
                   "    Prints this help."});
}

}  // namespace

void register_command_commands(Registry& r) {
  r.add("command", cmd_command);
  r.add("command|info", cmd_command_info);
  r.add("command|docs", cmd_command_docs);
  r.add("command|count", cmd_command_count);
  r.add("command|list", cmd_command_list);
  r.add("command|getkeys", cmd_command_getkeys);
  r.add("command|getkeysandflags", cmd_command_getkeysandflags);
  r.add("command|help", cmd_command_help);
}

}  // namespace codis::server
