#include "server/pubsub.h"

#include <algorithm>

#include "resp/reply_writer.h"
#include "server/glob.h"

namespace codis::server {

namespace {

bool add_to(std::map<std::string, std::vector<Client*>, std::less<>>& m,
            std::set<std::string, std::less<>>& mine, Client& c, std::string_view name) {
  if (!mine.insert(std::string(name)).second) {
    return false;
  }
  m[std::string(name)].push_back(&c);
  return true;
}

bool remove_from(std::map<std::string, std::vector<Client*>, std::less<>>& m,
                 std::set<std::string, std::less<>>& mine, Client& c, std::string_view name) {
  auto it = mine.find(name);
  if (it == mine.end()) {
    return false;
  }
  mine.erase(it);
  auto mit = m.find(name);
  if (mit != m.end()) {
    auto& v = mit->second;
    v.erase(std::remove(v.begin(), v.end(), &c), v.end());
    if (v.empty()) {
      m.erase(mit);
    }
  }
  return true;
}

// push_as_array: the planted bug server-resp3-push-as-array (codis-sim --bug) frames the message as a
// reply (an array) for RESP3 clients too.
void deliver(Client& c, int64_t hard_limit, std::initializer_list<std::string_view> parts,
             bool push_as_array = false) {
  resp::ReplyWriter w(&c.outbox, push_as_array ? 2 : c.protocol);
  w.push(parts.size());
  for (auto p : parts) {
    w.bulk(p);
  }
  if (hard_limit > 0 && static_cast<int64_t>(c.outbox.size()) > hard_limit) {
    c.kill();  // client-output-buffer-limit pubsub: a slow subscriber is disconnected
    return;
  }
  if (c.wakeup) {
    c.wakeup->set();
  }
}

}  // namespace

bool PubSub::subscribe(Client& c, std::string_view ch) {
  return add_to(channels_, c.channels, c, ch);
}
bool PubSub::unsubscribe(Client& c, std::string_view ch) {
  return remove_from(channels_, c.channels, c, ch);
}
bool PubSub::psubscribe(Client& c, std::string_view p) {
  return add_to(patterns_, c.patterns, c, p);
}
bool PubSub::punsubscribe(Client& c, std::string_view p) {
  return remove_from(patterns_, c.patterns, c, p);
}
bool PubSub::ssubscribe(Client& c, std::string_view ch) {
  return add_to(shard_channels_, c.shard_channels, c, ch);
}
bool PubSub::sunsubscribe(Client& c, std::string_view ch) {
  return remove_from(shard_channels_, c.shard_channels, c, ch);
}

void PubSub::drop(Client& c) {
  while (!c.channels.empty()) {
    std::string ch = *c.channels.begin();
    unsubscribe(c, ch);
  }
  while (!c.patterns.empty()) {
    std::string p = *c.patterns.begin();
    punsubscribe(c, p);
  }
  while (!c.shard_channels.empty()) {
    std::string ch = *c.shard_channels.begin();
    sunsubscribe(c, ch);
  }
}

int64_t PubSub::publish(std::string_view channel, std::string_view message, int64_t hard_limit) {
  int64_t n = 0;
  const bool as_array = planted("server-resp3-push-as-array");
  if (auto it = channels_.find(channel); it != channels_.end()) {
    for (Client* c : it->second) {
      deliver(*c, hard_limit, {"message", channel, message}, as_array);
      ++n;
    }
  }
  // The planted bug server-pmessage-drop (codis-sim --bug): no pmessage for a client that also has the
  // channel itself.
  const bool drop_doubles = planted("server-pmessage-drop");
  for (const auto& [pattern, clients] : patterns_) {
    if (!glob_match(pattern, channel)) {
      continue;
    }
    for (Client* c : clients) {
      if (drop_doubles && c->channels.contains(channel)) {
        continue;
      }
      deliver(*c, hard_limit, {"pmessage", pattern, channel, message}, as_array);
      ++n;
    }
  }
  return n;
}

int64_t PubSub::spublish(std::string_view channel, std::string_view message, int64_t hard_limit) {
  int64_t n = 0;
  if (auto it = shard_channels_.find(channel); it != shard_channels_.end()) {
    for (Client* c : it->second) {
      deliver(*c, hard_limit, {"smessage", channel, message});
      ++n;
    }
  }
  return n;
}

namespace {

std::vector<std::string> names_matching(const std::map<std::string, std::vector<Client*>, std::less<>>& m,
                                        std::string_view pattern, bool all) {
  std::vector<std::string> out;
  for (const auto& [ch, clients] : m) {
    if (all || glob_match(pattern, ch)) {
      out.push_back(ch);
    }
  }
  return out;
}

int64_t count_of(const std::map<std::string, std::vector<Client*>, std::less<>>& m, std::string_view name) {
  auto it = m.find(name);
  return it == m.end() ? 0 : static_cast<int64_t>(it->second.size());
}

}  // namespace

std::vector<std::string> PubSub::shard_channels(std::string_view pattern, bool all) const {
  return names_matching(shard_channels_, pattern, all);
}

int64_t PubSub::shard_numsub(std::string_view channel) const {
  return count_of(shard_channels_, channel);
}

std::vector<std::string> PubSub::channels(std::string_view pattern, bool all) const {
  return names_matching(channels_, pattern, all);
}

int64_t PubSub::numsub(std::string_view channel) const {
  return count_of(channels_, channel);
}

}  // namespace codis::server
