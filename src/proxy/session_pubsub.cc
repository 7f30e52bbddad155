// Pub/sub across the cluster, for one client: a channel lives on the group that owns its slot (PUBLISH,
// SPUBLISH, SUBSCRIBE and SSUBSCRIBE all go there, through any proxy), a pattern is subscribed on every
// group (a message is published on one group only, so each pattern subscriber gets it once). The client's
// subscriptions ride connections of its own (subscriber.h); the confirmations, with the client's counts,
// are the proxy's.
#include "cmd/ascii.h"
#include "cmd/slot.h"
#include "proxy/merge.h"
#include "proxy/proxy.h"
#include "proxy/router.h"
#include "proxy/session.h"
#include "resp/reply_writer.h"

namespace codis::proxy {

size_t Session::subscriptions() const {
  return channels_.size() + patterns_.size();
}

std::string Session::confirmation(std::string_view kind, const std::string* name, size_t count) const {
  std::string f;
  resp::ReplyWriter w(&f, protocol_);
  w.push(3);
  w.bulk(kind);
  name != nullptr ? w.bulk(*name) : w.null();
  w.integer(static_cast<int64_t>(count));
  return f;
}

Subscriber& Session::subscriber(const rt::Endpoint& addr) {
  const std::string key = addr.to_string();
  auto it = subscribers_.find(key);
  if (it == subscribers_.end()) {
    SubConn sc;
    sc.sub = std::make_unique<Subscriber>(
        proxy_.env(), addr, proxy_.config().backend_password, protocol_,
        [this](std::string_view frame) {
          // A message for what the client no longer holds (it was told it unsubscribed) is dropped.
          const std::string_view kind = nth_bulk(frame, 0);
          const std::string name(nth_bulk(frame, 1));
          const bool held = kind == "message"    ? channels_.count(name) != 0
                            : kind == "pmessage" ? patterns_.count(name) != 0
                                                 : shards_.count(name) != 0;
          if (held) {
            pushes_.append(frame);
            job_done_.set();  // wakes the writer
            if (over_output_limit()) {
              proxy_.env().log.notice("closing client " + stream_->peer().to_string() +
                                      ": its unread messages passed the pub/sub output buffer limit");
              proxy_.stats().output_limit_closes.add();
              stream_->close();  // the read and write loops end, and the session with them
            }
          }
        },
        [this](std::string_view kind, std::string_view name) { confirmed(kind, name); });
    sc.scope = std::make_unique<rt::Scope>(proxy_.env().exec);
    sc.scope->spawn(sc.sub->run());
    it = subscribers_.emplace(key, std::move(sc)).first;
  }
  return *it->second.sub;
}

bool Session::over_output_limit() {
  const ProxyConfig& c = proxy_.config();
  const size_t bytes = pushes_.size() + writing_bytes_;
  if (c.pubsub_hard_limit > 0 && bytes >= c.pubsub_hard_limit) {
    return true;
  }
  if (c.pubsub_soft_limit == 0 || bytes < c.pubsub_soft_limit) {
    over_soft_since_ = {};
    return false;
  }
  const rt::MonoTime now = proxy_.env().clock.mono();
  if (over_soft_since_ == rt::MonoTime{}) {
    over_soft_since_ = now;
  }
  return now - over_soft_since_ >= c.pubsub_soft_time;
}

void Session::confirmed(std::string_view kind, std::string_view name) {
  auto it = awaiting_.find(std::string(kind) + ":" + std::string(name));
  if (it == awaiting_.end()) {
    return;
  }
  JobPtr job = std::move(it->second);
  awaiting_.erase(it);
  if (--job->calls_left == 0) {
    job->finish(job->merge_fn(*job));
  }
}

void Session::reply_when_confirmed(JobPtr job, size_t waits, std::string reply) {
  if (waits == 0) {
    push_done(std::move(reply));
    return;
  }
  job->calls_left = waits;
  job->merge_fn = [reply = std::move(reply)](const Job&) { return reply; };
  push(std::move(job));
}

void Session::table_changed() {
  if (subscriptions() + shards_.size() == 0) {
    return;
  }
  // Subscriptions move without waiting for confirmations: messages published meanwhile may be missed, as in
  // Redis Cluster while a slot moves (pub/sub delivers at most once).
  std::set<std::string> wanted;  // addresses this client still needs a connection to
  for (auto* set : {&channels_, &shards_}) {
    const auto kind = set == &shards_ ? Subscriber::Kind::kShard : Subscriber::Kind::kChannel;
    for (auto& [ch, at] : *set) {
      const rt::Endpoint* now = proxy_.owner_of(cmd::slot_of(ch));
      if (now != nullptr && !(*now == at)) {
        subscriber(at).unsubscribe(kind, ch);
        at = *now;
        subscriber(at).subscribe(kind, ch);
      }
      wanted.insert(at.to_string());
    }
  }
  if (!patterns_.empty()) {
    for (const auto& [id, g] : proxy_.table().groups()) {
      Subscriber& sub = subscriber(g.master);
      for (const std::string& p : patterns_) {
        sub.subscribe(Subscriber::Kind::kPattern, p);  // false (nothing sent) where it is held already
      }
      wanted.insert(g.master.to_string());
    }
  }
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    if (wanted.count(it->first) == 0) {
      it->second.scope.reset();  // a server of no group (or with nothing left to hear from): close it
      it = subscribers_.erase(it);
    } else {
      ++it;
    }
  }
}

void Session::drop_subscriptions() {
  awaiting_.clear();
  for (auto& [addr, sc] : subscribers_) {
    sc.scope.reset();  // stops its task before the connection goes
  }
  subscribers_.clear();
  channels_.clear();
  patterns_.clear();
  shards_.clear();
}

bool Session::pubsub(std::span<const std::string_view> argv, std::string_view name) {
  const RoutingTable& table = proxy_.table();
  auto owner = [&](std::string_view channel) { return proxy_.owner_of(cmd::slot_of(channel)); };
  if (name == "subscribe" || name == "ssubscribe") {
    const bool shard = name == "ssubscribe";
    if (shard) {
      for (size_t i = 2; i < argv.size(); ++i) {
        if (cmd::slot_of(argv[i]) != cmd::slot_of(argv[1])) {
          push_done("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
          return true;
        }
      }
    }
    // The confirmations go out once the servers confirmed: from then on, every message is received.
    std::string reply;
    auto job = std::make_shared<Job>();
    size_t waits = 0;
    for (size_t i = 1; i < argv.size(); ++i) {
      const std::string ch(argv[i]);
      const rt::Endpoint* at = owner(ch);
      if (at == nullptr) {
        reply += "-ERR slot " + std::to_string(cmd::slot_of(ch)) + " is not served\r\n";
        continue;
      }
      auto& set = shard ? shards_ : channels_;
      if (set.emplace(ch, *at).second &&
          subscriber(*at).subscribe(shard ? Subscriber::Kind::kShard : Subscriber::Kind::kChannel, ch)) {
        awaiting_.emplace(std::string(name) + ":" + ch, job);
        ++waits;
      }
      reply += confirmation(name, &ch, shard ? shards_.size() : subscriptions());
    }
    reply_when_confirmed(std::move(job), waits, std::move(reply));
    return true;
  }
  if (name == "psubscribe") {
    std::string reply;
    auto job = std::make_shared<Job>();
    size_t waits = 0;
    for (size_t i = 1; i < argv.size(); ++i) {
      const std::string pat(argv[i]);
      if (patterns_.insert(pat).second) {
        for (const auto& [id, g] : table.groups()) {
          if (subscriber(g.master).subscribe(Subscriber::Kind::kPattern, pat)) {
            awaiting_.emplace("psubscribe:" + pat, job);
            ++waits;
          }
        }
      }
      reply += confirmation(name, &pat, subscriptions());
    }
    reply_when_confirmed(std::move(job), waits, std::move(reply));
    return true;
  }
  if (name == "unsubscribe" || name == "sunsubscribe" || name == "punsubscribe") {
    const bool pattern = name == "punsubscribe", shard = name == "sunsubscribe";
    std::vector<std::string> names;
    if (argv.size() > 1) {
      names.assign(argv.begin() + 1, argv.end());
    } else if (pattern) {
      names.assign(patterns_.begin(), patterns_.end());
    } else {
      for (const auto& [ch, at] : shard ? shards_ : channels_) {
        names.push_back(ch);
      }
    }
    // As for SUBSCRIBE, the confirmations wait for the servers: then a PUBLISH no longer counts this client.
    std::string reply;
    auto job = std::make_shared<Job>();
    size_t waits = 0;
    const std::string key_prefix = std::string(name) + ":";
    for (const std::string& n : names) {
      if (pattern) {
        if (patterns_.erase(n) > 0) {
          for (auto& [addr, sc] : subscribers_) {
            if (sc.sub->unsubscribe(Subscriber::Kind::kPattern, n)) {
              awaiting_.emplace(key_prefix + n, job);
              ++waits;
            }
          }
        }
      } else {
        auto& set = shard ? shards_ : channels_;
        auto it = set.find(n);
        if (it != set.end()) {
          const auto kind = shard ? Subscriber::Kind::kShard : Subscriber::Kind::kChannel;
          if (subscriber(it->second).unsubscribe(kind, n)) {
            awaiting_.emplace(key_prefix + n, job);
            ++waits;
          }
          set.erase(it);
        }
      }
      reply += confirmation(name, &n, shard ? shards_.size() : subscriptions());
    }
    if (names.empty()) {
      reply = confirmation(name, nullptr, shard ? shards_.size() : subscriptions());
    }
    reply_when_confirmed(std::move(job), waits, std::move(reply));
    return true;
  }
  if (name == "publish" || name == "spublish") {
    // The channel's slot decides the group, as for a key: every subscriber of it is there.
    auto job = std::make_shared<Job>();
    job->calls.resize(1);
    job->calls[0].wire = encode_request(argv);
    job->calls[0].slot = static_cast<int32_t>(cmd::slot_of(argv[1]));
    job->calls_left = 1;
    job->protocol = protocol_;
    push(job);
    launch_shared(job);
    return true;
  }
  if (name == "pubsub|channels" || name == "pubsub|shardchannels" || name == "pubsub|numsub" ||
      name == "pubsub|shardnumsub" || name == "pubsub|numpat") {
    auto job = std::make_shared<Job>();
    // Every group holds every pattern: for NUMPAT one answers for all.
    call_every_group(*job, table, encode_request(argv), name == "pubsub|numpat" ? 1 : SIZE_MAX);
    if (job->calls.empty()) {
      push_done("-ERR codis-proxy: no groups are configured\r\n");
      return true;
    }
    if (name == "pubsub|channels" || name == "pubsub|shardchannels") {
      job->merge_fn = concat_arrays;
    } else if (name != "pubsub|numpat") {
      // [channel, count, ...] from each group, summed per channel in the client's order.
      job->merge_fn = [](const Job& j) -> std::string {
        std::vector<int64_t> sums;
        std::vector<std::string_view> first, elems;
        for (const Call& c : j.calls) {
          if (!c.reply.empty() && c.reply[0] == '-') {
            return c.reply;
          }
          elems.clear();
          if (!split_array(c.reply, elems) || elems.size() % 2 != 0) {
            return "-ERR codis-proxy: unexpected PUBSUB reply from a backend\r\n";
          }
          if (first.empty()) {
            first = elems;
            sums.assign(elems.size() / 2, 0);
          }
          for (size_t i = 1; i < elems.size() && i / 2 < sums.size(); i += 2) {
            sums[i / 2] += std::strtoll(std::string(elems[i].substr(1)).c_str(), nullptr, 10);
          }
        }
        std::string out = "*" + std::to_string(first.size()) + "\r\n";
        for (size_t i = 0; i < sums.size(); ++i) {
          out += std::string(first[2 * i]) + ":" + std::to_string(sums[i]) + "\r\n";
        }
        return out;
      };
    }
    job->calls_left = job->calls.size();
    job->protocol = protocol_;
    push(job);
    launch_shared(job);
    return true;
  }
  return false;
}

}  // namespace codis::proxy
