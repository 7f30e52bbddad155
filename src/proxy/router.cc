#include "proxy/router.h"

#include <map>

#include "cmd/keys.h"
#include "cmd/slot.h"

namespace codis::proxy {

namespace {

void append_bulk(std::string& out, std::string_view a) {
  out += '$';
  out += std::to_string(a.size());
  out += "\r\n";
  out.append(a);
  out += "\r\n";
}

JobPtr done(std::string reply) {
  auto job = std::make_shared<Job>();
  job->finish(std::move(reply));
  return job;
}

JobPtr one_call(std::span<const std::string_view> argv, int32_t slot, int group, std::string_view raw) {
  auto job = std::make_shared<Job>();
  job->calls.resize(1);
  job->calls[0].wire = raw.empty() ? encode_request(argv) : std::string(raw);
  job->calls[0].slot = slot;
  job->calls[0].group = group;
  job->calls_left = 1;
  return job;
}

JobPtr single_slot(std::span<const std::string_view> argv, const cmd::CommandSpec& spec,
                   std::string_view raw) {
  cmd::KeyList keys;
  const cmd::KeysError e = cmd::extract_keys(spec, argv, keys);
  if (e != cmd::KeysError::kNone) {
    // A key list that does not parse: Redis still runs some such forms (PFMERGE dest, with no sources)
    // and replies the command's own error for the rest, so the command goes to the server of the keys
    // that can be found, which does either. When there are none, or they span slots, the proxy replies.
    cmd::extract_partial_keys(spec, argv, keys);
    bool one_slot = !keys.empty();
    for (const cmd::KeyPos& k : keys) {
      one_slot = one_slot && cmd::slot_of(argv[k.index]) == cmd::slot_of(argv[keys[0].index]);
    }
    if (!one_slot) {
      return done("-" + cmd::keys_error_text(spec, e) + "\r\n");
    }
  }
  int32_t slot = -1;
  for (const cmd::KeyPos& k : keys) {
    const auto s = static_cast<int32_t>(cmd::slot_of(argv[k.index]));
    if (slot >= 0 && s != slot) {
      return done("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
    }
    slot = s;
  }
  return one_call(argv, slot, 0, raw);
}

JobPtr split_by_key(std::span<const std::string_view> argv, const cmd::CommandSpec& spec) {
  const size_t first = static_cast<size_t>(spec.first_key);
  const size_t step = static_cast<size_t>(std::max(1, spec.key_step));
  if (first == 0 || argv.size() <= first || (argv.size() - first) % step != 0) {
    return done("-ERR wrong number of arguments for '" + std::string(spec.name) + "' command\r\n");
  }
  // Slot -> key indexes (positions among the keys, in the client's order). std::map: calls go out in slot
  // order, the same for every run.
  std::map<uint32_t, std::vector<uint32_t>> by_slot;
  uint32_t nkeys = 0;
  for (size_t i = first; i < argv.size(); i += step, ++nkeys) {
    by_slot[cmd::slot_of(argv[i])].push_back(nkeys);
  }
  auto job = std::make_shared<Job>();
  job->merge = spec.policy.merge;
  job->keys = nkeys;
  job->calls.resize(by_slot.size());
  size_t c = 0;
  for (auto& [slot, positions] : by_slot) {
    Call& call = job->calls[c++];
    call.slot = static_cast<int32_t>(slot);
    std::string& w = call.wire;
    w += '*';
    w += std::to_string(1 + positions.size() * step);
    w += "\r\n";
    append_bulk(w, argv[0]);
    for (uint32_t k : positions) {
      for (size_t j = 0; j < step; ++j) {
        append_bulk(w, argv[first + k * step + j]);
      }
    }
    call.key_positions = std::move(positions);
  }
  job->calls_left = job->calls.size();
  return job;
}

// Slots being migrated with forwarding need the call's keys (the source is asked to move or run them).
void record_forward_keys(Job& job, std::span<const std::string_view> argv, const cmd::CommandSpec& spec,
                         const RoutingTable& table) {
  for (Call& c : job.calls) {
    if (c.slot < 0 || table.forward(static_cast<uint32_t>(c.slot)) == Forward::kNone) {
      continue;
    }
    if (!c.key_positions.empty()) {
      const size_t first = static_cast<size_t>(spec.first_key);
      const size_t step = static_cast<size_t>(std::max(1, spec.key_step));
      for (uint32_t k : c.key_positions) {
        c.keys.emplace_back(argv[first + k * step]);
      }
      continue;
    }
    cmd::KeyList keys;
    if (cmd::extract_keys(spec, argv, keys) == cmd::KeysError::kNone) {
      for (const cmd::KeyPos& k : keys) {
        c.keys.emplace_back(argv[k.index]);
      }
    }
  }
}

JobPtr route_calls(std::span<const std::string_view> argv, const cmd::CommandSpec& spec,
                   const RoutingTable& table, std::string_view raw);

}  // namespace

std::string encode_request(std::span<const std::string_view> argv) {
  std::string out;
  size_t n = 16;
  for (std::string_view a : argv) {
    n += a.size() + 16;
  }
  out.reserve(n);
  out += '*';
  out += std::to_string(argv.size());
  out += "\r\n";
  for (std::string_view a : argv) {
    append_bulk(out, a);
  }
  return out;
}

void call_every_group(Job& job, const RoutingTable& table, const std::string& wire, size_t limit) {
  for (const auto& [id, g] : table.groups()) {
    if (limit-- == 0) {
      break;
    }
    Call call;
    call.wire = wire;
    call.group = id;
    job.calls.push_back(std::move(call));
  }
}

JobPtr route(std::span<const std::string_view> argv, const cmd::CommandSpec& spec, const RoutingTable& table,
             std::string_view raw) {
  JobPtr job = route_calls(argv, spec, table, raw);
  if (table.any_forwarding() && !job->done) {
    record_forward_keys(*job, argv, spec, table);
  }
  return job;
}

namespace {

JobPtr route_calls(std::span<const std::string_view> argv, const cmd::CommandSpec& spec,
                   const RoutingTable& table, std::string_view raw) {
  switch (spec.policy.route) {
    case cmd::Route::kSingleSlot:
      return single_slot(argv, spec, raw);
    case cmd::Route::kSplitByKey:
      return split_by_key(argv, spec);
    case cmd::Route::kAllGroups: {
      if (table.groups().empty()) {
        return done("-ERR codis-proxy: no groups are configured\r\n");
      }
      auto job = std::make_shared<Job>();
      job->merge = spec.policy.merge;
      call_every_group(*job, table, raw.empty() ? encode_request(argv) : std::string(raw));
      job->calls_left = job->calls.size();
      return job;
    }
    case cmd::Route::kAnyGroup:
      return one_call(argv, -1, 0, raw);
    case cmd::Route::kSlotArgument: {
      int64_t slot = -1;
      if (argv.size() >= 2) {
        const std::string_view a = argv[1];
        int64_t v = 0;
        bool ok = !a.empty() && a.size() <= 5;
        for (size_t i = 0; ok && i < a.size(); ++i) {
          ok = a[i] >= '0' && a[i] <= '9';
          v = v * 10 + (a[i] - '0');
        }
        slot = ok && v < cmd::kSlots ? v : -1;
      }
      // Not a slot number: any group replies the command's own error.
      return one_call(argv, static_cast<int32_t>(slot), 0, raw);
    }
    case cmd::Route::kProxyLocal:
      // COMMAND and its subcommands: the servers' command table is the proxy's, so any group answers.
      if (spec.name == "command" || spec.name.starts_with("command|")) {
        return one_call(argv, -1, 0, raw);
      }
      break;
    case cmd::Route::kRefused:
      break;
  }
  return done("-ERR codis-proxy: command '" + std::string(spec.name) + "' cannot be routed\r\n");
}

}  // namespace

}  // namespace codis::proxy
