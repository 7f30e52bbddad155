// Publish/subscribe state: which clients listen to which channels and patterns, and delivery of messages
// into each subscriber's outbox (the subscriber's connection loop sends it). Ordered containers keep
// delivery and reply order independent of hashing (the simulator replays them).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rt/executor.h"
#include "server/client.h"

namespace codis::server {

class PubSub {
 public:
  // `planted` (optional) says which deliberate bugs the simulator planted (rt::Executor::planted).
  explicit PubSub(const rt::Executor* planted = nullptr) : planted_(planted) {}

  // Each returns whether the subscription changed.
  bool subscribe(Client& c, std::string_view channel);
  bool unsubscribe(Client& c, std::string_view channel);
  bool psubscribe(Client& c, std::string_view pattern);
  bool punsubscribe(Client& c, std::string_view pattern);
  // Sharded channels (SSUBSCRIBE/SPUBLISH): a namespace of their own, never matched by patterns.
  bool ssubscribe(Client& c, std::string_view channel);
  bool sunsubscribe(Client& c, std::string_view channel);
  void drop(Client& c);  // a client went away

  // Delivers to channel subscribers and matching pattern subscribers; returns how many received it.
  int64_t publish(std::string_view channel, std::string_view message, int64_t pubsub_hard_limit);
  int64_t spublish(std::string_view channel, std::string_view message, int64_t pubsub_hard_limit);

  std::vector<std::string> channels(std::string_view pattern, bool all) const;
  int64_t numsub(std::string_view channel) const;
  std::vector<std::string> shard_channels(std::string_view pattern, bool all) const;
  int64_t shard_numsub(std::string_view channel) const;
  int64_t numpat() const { return static_cast<int64_t>(patterns_.size()); }
  size_t channel_count() const { return channels_.size(); }
  size_t shard_channel_count() const { return shard_channels_.size(); }

 private:
  bool planted(std::string_view bug) const { return planted_ != nullptr && planted_->planted(bug); }

  const rt::Executor* planted_;
  std::map<std::string, std::vector<Client*>, std::less<>> channels_;
  std::map<std::string, std::vector<Client*>, std::less<>> patterns_;
  std::map<std::string, std::vector<Client*>, std::less<>> shard_channels_;
};

}  // namespace codis::server
