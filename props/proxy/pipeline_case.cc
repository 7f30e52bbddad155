// Drawing a case of the pipelined-proxy model property: the keys each client owns, its commands (strings,
// lists, hashes, multi-key commands the proxy splits, MULTI blocks and WATCH on the client's tag), the
// batches they are cut into, and the network's delays. Nothing drawn depends on time, so one Redis's replies
// are exact.
#include "props/proxy/pipeline_case.h"

#include <algorithm>

#include "cmd/slot.h"
#include "props/pick.h"

namespace codis::proxy::model {

namespace {

// Keys named `prefix`N, `per_range` of them on each server, in server order.
std::vector<std::string> spread(const std::string& prefix, int per_range) {
  std::vector<std::string> keys;
  for (const SlotRange& r : kRanges) {
    int found = 0;
    for (int i = 0; found < per_range; ++i) {
      std::string k = prefix + std::to_string(i);
      const uint32_t s = cmd::slot_of(k);
      if (s >= r.first && s <= r.last) {
        keys.push_back(std::move(k));
        ++found;
      }
    }
  }
  return keys;
}

// Values that INCR accepts and refuses, an empty one, and now and then a long one (replies that take many
// segments and fill small send buffers).
std::string gen_value() {
  static const std::vector<std::string> values = {"1", "7", "-3", "10", "x", "", "abc"};
  if (props::choice(20) == 0) {
    return std::string(*props::uniform<size_t>(100, 3000), 'v');
  }
  return *rc::gen::elementOf(values);
}

// The keys one command may use: the client's whole pools, or inside MULTI the tagged keys only (one slot).
struct Keys {
  std::vector<std::string> strings, lists, hashes, all;
};

Keys all_keys(const KeyPools& p) {
  Keys k{p.strings, p.lists, p.hashes, {}};
  k.all = p.strings;
  k.all.insert(k.all.end(), p.lists.begin(), p.lists.end());
  k.all.insert(k.all.end(), p.hashes.begin(), p.hashes.end());
  return k;
}

Keys tagged_keys(const KeyPools& p) {
  Keys k{p.tagged_strings, {p.tagged_list}, {p.tagged_hash}, p.tagged_strings};
  k.all.push_back(p.tagged_list);
  k.all.push_back(p.tagged_hash);
  return k;
}

// A key of the pool, or one time in ten any key of the client (a wrong type: WRONGTYPE, or a nil in MGET).
std::string pick(const std::vector<std::string>& pool, const Keys& k) {
  return *rc::gen::elementOf(props::choice(10) == 0 ? k.all : pool);
}

Args gen_command(const Keys& k) {
  auto n = [](int lo, int hi) { return *props::uniform(lo, hi + 1); };
  switch (props::choice(13)) {
    case 0:
      return {"GET", pick(k.strings, k)};
    case 1:
      return {"SET", pick(k.strings, k), gen_value()};
    case 2:
      return {"INCR", pick(k.strings, k)};
    case 3:
      return {"APPEND", pick(k.strings, k), gen_value()};
    case 4:
    case 5: {
      static const std::vector<std::string> split = {"DEL", "EXISTS", "UNLINK", "TOUCH"};
      Args a = {*rc::gen::elementOf(split)};
      for (int i = n(1, 4); i > 0; --i) a.push_back(*rc::gen::elementOf(k.all));
      return a;
    }
    case 6: {
      Args a = {"MGET"};
      for (int i = n(1, 5); i > 0; --i) a.push_back(pick(k.strings, k));
      return a;
    }
    case 7: {
      Args a = {"MSET"};
      for (int i = n(1, 4); i > 0; --i) {
        a.push_back(pick(k.strings, k));
        a.push_back(gen_value());
      }
      return a;
    }
    case 8: {
      Args a = {"LPUSH", pick(k.lists, k)};
      for (int i = n(1, 3); i > 0; --i) a.push_back(gen_value());
      return a;
    }
    case 9:
      return {"LRANGE", pick(k.lists, k), std::to_string(n(-3, 2)), std::to_string(n(-1, 3))};
    case 10: {
      static const std::vector<std::string> fields = {"f1", "f2", "f3"};
      Args a = {"HSET", pick(k.hashes, k)};
      for (int i = n(1, 3); i > 0; --i) {
        a.push_back(*rc::gen::elementOf(fields));
        a.push_back(gen_value());
      }
      return a;
    }
    case 11:
      return {"HGETALL", pick(k.hashes, k)};
    default:
      // Far enough ahead that no key expires during a run: the reply says only whether the key exists.
      return {"EXPIRE", *rc::gen::elementOf(k.all), "100000"};
  }
}

// A command and, when it ends a batch, what the client does then.
struct Step {
  Args command;
  bool ends_batch = false;
  Read read = Read::kNone;
  int64_t pause_us = 0;
};

// Step `command`, and whether the batch ends after it.
Step gen_step(Args command) {
  Step s{std::move(command)};
  s.ends_batch = props::choice(4) == 0;
  if (s.ends_batch) {
    s.read = static_cast<Read>(props::choice(3));
    s.pause_us = props::choice(3) == 0 ? 0 : *props::uniform<int64_t>(0, 3000);
  }
  return s;
}

// A unit a client's pipeline is made of, so that shrinking removes whole ones: a command or, one time in
// seven, a MULTI block over the client's tag (EXEC or DISCARD), sometimes after a WATCH of keys of the tag;
// a batch may end inside it.
rc::Gen<std::vector<Step>> gen_unit(const KeyPools& pools) {
  return rc::gen::exec([pools] {
    const Keys any = all_keys(pools), tagged = tagged_keys(pools);
    if (props::choice(7) != 0) {
      return std::vector<Step>{gen_step(gen_command(any))};
    }
    std::vector<Step> block;
    if (props::choice(3) == 0) {
      // WATCH first (a connection of the client's own, at the proxy), then commands that may touch the
      // watched keys over the shared connections: EXEC fails exactly when one Redis's would.
      Args watch = {"WATCH"};
      for (int i = *props::uniform(1, 3); i > 0; --i) watch.push_back(*rc::gen::elementOf(tagged.all));
      block.push_back(gen_step(std::move(watch)));
      for (int i = *props::uniform(0, 3); i > 0; --i) block.push_back(gen_step(gen_command(any)));
    }
    block.push_back(gen_step({"MULTI"}));
    for (int i = *props::uniform(0, 5); i > 0; --i) block.push_back(gen_step(gen_command(tagged)));
    block.push_back(gen_step({props::choice(10) == 0 ? "DISCARD" : "EXEC"}));
    return block;
  });
}

Client gen_client(int id) {
  Client c;
  c.start_us = *props::uniform<int64_t>(0, 2000);
  c.protocol = props::choice(3) == 0 ? 3 : 2;
  const auto units = *rc::gen::resize(
      40, rc::gen::nonEmpty(rc::gen::container<std::vector<std::vector<Step>>>(gen_unit(key_pools(id)))));
  Batch b;
  for (const std::vector<Step>& u : units) {
    for (const Step& s : u) {
      b.commands.push_back(s.command);
      if (s.ends_batch) {
        b.read = s.read;
        b.pause_us = s.pause_us;
        c.batches.push_back(std::move(b));
        b = Batch{};
      }
    }
  }
  if (!b.commands.empty()) {
    c.batches.push_back(std::move(b));
  }
  return c;
}

const char* read_name(Read r) {
  switch (r) {
    case Read::kNone:
      return "none";
    case Read::kSome:
      return "some";
    default:
      return "all";
  }
}

}  // namespace

KeyPools key_pools(int client) {
  const std::string pre = "c" + std::to_string(client) + ":";
  const std::string tag = "{c" + std::to_string(client) + "}";
  KeyPools p;
  p.strings = spread(pre + "s", 2);
  p.lists = spread(pre + "l", 1);
  p.hashes = spread(pre + "h", 1);
  p.tagged_strings = {tag + "s0", tag + "s1", tag + "s2"};
  p.tagged_list = tag + "l";
  p.tagged_hash = tag + "h";
  p.strings.insert(p.strings.end(), p.tagged_strings.begin(), p.tagged_strings.end());
  p.lists.push_back(p.tagged_list);
  p.hashes.push_back(p.tagged_hash);
  return p;
}

rc::Gen<Case> gen_case() {
  return rc::gen::exec([] {
    Case c;
    c.seed = *rc::gen::arbitrary<uint64_t>();
    c.latency_min_us = *props::uniform<int64_t>(1, 500);
    c.latency_max_us = c.latency_min_us + *props::uniform<int64_t>(0, 3000);
    if (props::choice(3) == 0) {
      c.tail_chance = *props::uniform(1, 21) / 100.0;
      c.tail_max_us = *props::uniform<int64_t>(1000, 20000);
    }
    c.pair_extra_max_us = props::choice(2) == 0 ? 0 : *props::uniform<int64_t>(0, 2000);
    switch (props::choice(3)) {
      case 0:
        c.max_segment = *props::uniform<size_t>(1, 16);
        break;
      case 1:
        c.max_segment = *props::uniform<size_t>(16, 512);
        break;
      default:
        break;
    }
    if (props::choice(3) == 0) {
      // Tiny buffers: the proxy's writes to a client that is still writing its pipeline block at once.
      c.send_buffer_min = *props::uniform<size_t>(1, 256);
      c.send_buffer_max = c.send_buffer_min + *props::uniform<size_t>(0, 4096);
    }
    c.shuffle_ties = props::choice(2) == 0;
    for (int i = *props::uniform(1, 4), id = 0; id < i; ++id) c.clients.push_back(gen_client(id));
    return c;
  });
}

std::string show_args(const Args& a) {
  std::string s;
  for (const std::string& x : a) {
    s += s.empty() ? "" : " ";
    if (x.empty()) {
      s += "\"\"";
    } else if (x.size() > 20) {
      s += x.substr(0, 1) + "*" + std::to_string(x.size());  // a long value: its letter and length
    } else {
      s += x;
    }
  }
  return s;
}

void showValue(const Case& c, std::ostream& os) {
  os << "seed " << c.seed << ", latency " << c.latency_min_us << ".." << c.latency_max_us << " us, tail "
     << c.tail_chance << " up to " << c.tail_max_us << " us, pair extra up to " << c.pair_extra_max_us
     << " us, segments up to " << c.max_segment << " bytes, send buffers " << c.send_buffer_min << ".."
     << c.send_buffer_max << " bytes" << (c.shuffle_ties ? ", ties shuffled" : "") << "\n";
  for (size_t i = 0; i < c.clients.size(); ++i) {
    const Client& cl = c.clients[i];
    os << "client " << i << " (RESP" << cl.protocol << ", starts at " << cl.start_us << " us):\n";
    for (const Batch& b : cl.batches) {
      os << "  [";
      for (size_t j = 0; j < b.commands.size(); ++j) {
        os << (j ? " | " : "") << show_args(b.commands[j]);
      }
      os << "] read " << read_name(b.read) << ", pause " << b.pause_us << " us\n";
    }
  }
}

}  // namespace codis::proxy::model
