// server_pubsub: publishers publish numbered messages to one channel while subscribers, subscribed to it,
// to a pattern matching it, or to both, pipeline batches of numbered PINGs (and take and drop a second
// channel or a second matching pattern in between) and wait for every reply. Half the subscriber sessions
// speak RESP3. Invariants, per subscriber connection: the replies to its commands come back complete and
// in order (PING n answers "pong n", or "n" in RESP3, n = 0, 1, 2, ... with no gap); in RESP3 exactly the
// messages and (un)subscribe confirmations are push frames; the messages of each publisher connection
// arrive in publish order with no gap on each subscription (message, and pmessage naming pattern and
// channel), only while it is held, and with both the channel and a pattern each message comes on the
// channel first, then on the patterns.
// Issue 16's defect 1 (a completed read dropped when it loses a race against a push) breaks both; after
// heal every batch must be answered within a few seconds.
#include <map>
#include <string>
#include <vector>

#include "rt/sleep.h"
#include "sim/scenarios/server_scenarios.h"
#include "sim/workloads/server_proc.h"

namespace codis::sim {

namespace {

using rt::Task;

constexpr int kPublishers = 2;
constexpr int kSubscribers = 2;
constexpr int kBatchesAfterHeal = 15;

class PubSubScenario;

// The reply shape of a subscribed client's command, as "word:arg:..." (integers printed as numbers).
std::string shape(const resp::Value& v) {
  if (!v.is_aggregate()) {
    return describe(v);
  }
  std::string s;
  for (size_t i = 0; i < v.elems.size(); ++i) {
    const auto& e = v.elems[i];
    s += (i ? ":" : "") + (e.kind == resp::Kind::kInteger ? std::to_string(e.num) : e.str);
  }
  return s;
}

// Per subscription ("ch", "c*", "?h") and publisher connection: the last message seen; and per pattern
// ("owed:c*", "owed:?h"), the message whose pmessage is still to come (with the channel held too).
using Seqs = std::map<std::string, std::map<std::string, int64_t>>;

class PubSubScenario final : public ServerScenario {
 public:
  explicit PubSubScenario(const ScenarioOptions&) {
    for (int i = 0; i < kPublishers; ++i) {
      add_worker("publisher" + std::to_string(i));
    }
    for (int i = 0; i < kSubscribers; ++i) {
      add_worker("subscriber" + std::to_string(i));
    }
    sub_batches_.assign(kSubscribers, 0);
  }

  void setup(World& w) override {
    add_server(w, slot);
    for (int i = 0; i < kPublishers; ++i) {
      Host& h = w.add_host("pub" + std::to_string(i));
      w.add_process(h, "publisher" + std::to_string(i), [this, i](rt::Env& env) {
         return publisher(env, i);
       }).start();
    }
    for (int i = 0; i < kSubscribers; ++i) {
      Host& h = w.add_host("sub" + std::to_string(i));
      w.add_process(h, "subscriber" + std::to_string(i), [this, i](rt::Env& env) {
         return subscriber(env, i);
       }).start();
    }
  }

 private:
  bool subscribers_done() const {
    for (int i = 0; i < kSubscribers; ++i) {
      if (sub_batches_[static_cast<size_t>(i)] < kBatchesAfterHeal) {
        return false;
      }
    }
    return true;
  }

  // Publishes "p<id>:<conn>:<seq>:<padding>" in pipelined batches until the subscribers are done.
  Task<void> publisher(rt::Env& env, int id) {
    const int worker = id;
    for (;;) {
      if (healed() && subscribers_done()) {
        done(worker);
        co_return;
      }
      progress(worker, "connecting");
      auto cli = co_await connect_server(env);
      if (!cli) {
        continue;
      }
      const int conn = pub_conns_[id]++;
      for (int seq = 0; !(healed() && subscribers_done());) {
        const int n = static_cast<int>(env.random.uniform(1, 10));
        for (int i = 0; i < n; ++i, ++seq) {
          std::string msg =
              "p" + std::to_string(id) + ":" + std::to_string(conn) + ":" + std::to_string(seq) + ":";
          msg.append(env.random.uniform(0, env.random.chance(0.05) ? 3000 : 40), 'x');
          cli->queue({"PUBLISH", "ch", msg});
        }
        progress(worker, "sending");
        if (!(co_await cli->flush()).ok()) {
          break;
        }
        progress(worker, "reading");
        bool ok = true;
        for (int i = 0; i < n && ok; ++i) {
          auto r = co_await cli->read(env, rt::seconds(3));
          if (!r.ok()) {
            ok = false;
          } else if (r->kind != resp::Kind::kInteger || r->num < 0) {
            violation("publisher" + std::to_string(id) + ": PUBLISH answered " + describe(*r));
            co_return;
          }
        }
        if (!ok) {
          break;
        }
        progress(worker, "sleeping");
        co_await rt::sleep_for(env.exec, rt::microseconds(env.random.uniform(0, 2000)));
      }
      cli->close();
    }
  }

  // Reads the reply to a command sent before any batch (HELLO, SUBSCRIBE, PSUBSCRIBE) and checks its shape
  // and framing; messages on the channel (once subscribed) may come first. False when the connection broke
  // or after a violation.
  Task<bool> expect_first(rt::Env& env, const std::string& who, RespClient& cli, const std::string& want,
                          bool push, bool channel_held, Seqs& last_seq) {
    rt::Result<resp::Value> r = rt::Errc::kTimeout;
    for (;;) {
      r = co_await cli.read(env, rt::seconds(3));
      if (!r.ok()) {
        co_return false;
      }
      if (!channel_held || shape(*r).rfind("message:", 0) != 0) {
        break;
      }
      if (framed_as_push(*r) != push) {
        violation(who + ": " + describe(*r) + " came as " + std::string(resp::kind_name(r->kind)));
        co_return false;
      }
      if (!message(who, *r, true, false, false, last_seq)) {
        co_return false;
      }
    }
    if (want.empty() ? r->kind != resp::Kind::kMap : (shape(*r) != want || framed_as_push(*r) != push)) {
      violation(who + ": expected " + (want.empty() ? std::string("HELLO's map") : want) + ", got " +
                describe(*r) + " (" + std::string(resp::kind_name(r->kind)) + ")");
      co_return false;
    }
    co_return true;
  }

  static bool framed_as_push(const resp::Value& v) { return v.kind == resp::Kind::kPush; }

  // One subscribed connection: false when it broke (or was given up voluntarily), after recording why. Per
  // session the subscriber speaks RESP2 or RESP3 (HELLO 3: confirmations and messages are push frames, its
  // PINGs get ordinary replies in between) and listens to the channel, to the pattern "c*" matching it, or to
  // both (then each message comes as a message and then a pmessage).
  Task<bool> subscribed_session(rt::Env& env, int id, RespClient& cli) {
    const std::string who = "subscriber" + std::to_string(id);
    const bool resp3 = env.random.chance(0.5);
    const int64_t mode = env.random.uniform(0, 4);
    const bool channel = mode != 0;  // 0: the pattern only; 1, 2: the channel only; 3, 4: both
    const bool pattern = mode == 0 || mode >= 3;
    const int base = (channel ? 1 : 0) + (pattern ? 1 : 0);
    progress(kPublishers + id, "subscribing");
    if (resp3) {
      cli.queue({"HELLO", "3"});
    }
    if (channel) {
      cli.queue({"SUBSCRIBE", "ch"});
    }
    if (pattern) {
      cli.queue({"PSUBSCRIBE", "c*"});
    }
    if (!(co_await cli.flush()).ok()) {
      co_return false;
    }
    Seqs last_seq;
    if (resp3 && !co_await expect_first(env, who, cli, "", false, false, last_seq)) {
      co_return false;
    }
    if (channel && !co_await expect_first(env, who, cli, "subscribe:ch:1", resp3, false, last_seq)) {
      co_return false;
    }
    if (pattern && !co_await expect_first(env, who, cli, "psubscribe:c*:" + std::to_string(base), resp3,
                                          channel, last_seq)) {
      co_return false;
    }
    bool aux_pattern = false;  // "?h", which matches "ch", is subscribed (between its confirmations)
    int64_t ping = 0;
    for (;;) {
      if (healed() && sub_batches_[static_cast<size_t>(id)] >= kBatchesAfterHeal) {
        co_return true;
      }
      // One batch: numbered PINGs, sometimes with a second subscription (a channel, or a pattern matching
      // the channel) taken and dropped in between.
      std::vector<std::string> expect;
      const int n = static_cast<int>(env.random.uniform(1, 100));
      const int aux_at = env.random.chance(0.3) ? static_cast<int>(env.random.uniform(0, n - 1)) : -1;
      const bool aux_is_pattern = env.random.chance(0.5);
      const std::string more = std::to_string(base + 1), back = std::to_string(base);
      for (int i = 0; i < n; ++i) {
        if (i == aux_at) {
          cli.queue({aux_is_pattern ? "PSUBSCRIBE" : "SUBSCRIBE", aux_is_pattern ? "?h" : "aux"});
          expect.push_back(aux_is_pattern ? "psubscribe:?h:" + more : "subscribe:aux:" + more);
        }
        cli.queue({"PING", std::to_string(ping)});
        expect.push_back(resp3 ? "'" + std::to_string(ping) + "'" : "pong:" + std::to_string(ping));
        ++ping;
        if (i == aux_at) {
          cli.queue({aux_is_pattern ? "PUNSUBSCRIBE" : "UNSUBSCRIBE", aux_is_pattern ? "?h" : "aux"});
          expect.push_back(aux_is_pattern ? "punsubscribe:?h:" + back : "unsubscribe:aux:" + back);
        }
      }
      const rt::MonoTime sent = env.clock.mono();
      const bool after_heal = healed() && sent > healed_at();
      if (!(co_await cli.flush()).ok()) {
        co_return false;
      }
      progress(kPublishers + id, "reading a batch");
      const rt::MonoTime deadline = env.clock.mono() + rt::seconds(5);
      for (size_t got = 0; got < expect.size();) {
        // The whole batch has 5 s: messages keep arriving while replies may be missing.
        const rt::MonoTime now = env.clock.mono();
        // (No co_await inside ?: : g++ 12 miscompiles it.)
        rt::Result<resp::Value> r = rt::Errc::kTimeout;
        if (now < deadline) {
          r = co_await cli.read(env, deadline - now);
        }
        if (!r.ok()) {
          if (after_heal && r.error() == rt::Errc::kTimeout) {
            violation(
                who + ": " + std::to_string(expect.size() - got) + " of " + std::to_string(expect.size()) +
                " replies missing 5 s after a batch sent after heal (next expected " + expect[got] + ")");
          }
          co_return false;
        }
        const std::string s = shape(*r);
        const bool is_message = s.rfind("message:", 0) == 0 || s.rfind("pmessage:", 0) == 0;
        const bool is_confirmation = s.find("subscribe:") != std::string::npos;
        // RESP3 frames pushes (messages, confirmations) as '>' and only them; RESP2 has arrays only.
        if ((is_message || is_confirmation) ? framed_as_push(*r) != resp3 : framed_as_push(*r)) {
          violation(who + ": " + describe(*r) + " came as " + std::string(resp::kind_name(r->kind)) +
                    " to a RESP" + (resp3 ? "3" : "2") + " client");
          co_return false;
        }
        if (is_message) {
          if (!message(who, *r, channel, pattern, aux_pattern, last_seq)) {
            co_return false;
          }
          continue;
        }
        if (s != expect[got]) {
          violation(who + ": expected reply " + expect[got] + ", got " + describe(*r));
          co_return false;
        }
        if (s.rfind("psubscribe:?h:", 0) == 0 || s.rfind("punsubscribe:?h:", 0) == 0) {
          // A new subscription starts wherever the publishers are; a dropped one delivers nothing more, and
          // what it owed came before its confirmation (each pmessage right after its message).
          aux_pattern = s.rfind("psubscribe:", 0) == 0;
          if (!aux_pattern && channel && !last_seq["owed:?h"].empty()) {
            violation(who + ": ?h was dropped owing the pmessage of message " +
                      std::to_string(last_seq["owed:?h"].begin()->second) + " from " +
                      last_seq["owed:?h"].begin()->first);
            co_return false;
          }
          last_seq.erase("?h");
          last_seq.erase("owed:?h");
        }
        ++got;
      }
      if (after_heal) {
        ++sub_batches_[static_cast<size_t>(id)];
        progress(kPublishers + id, std::to_string(sub_batches_[static_cast<size_t>(id)]) + "/" +
                                       std::to_string(kBatchesAfterHeal) + " batches since heal");
      }
      if (env.random.chance(0.03)) {
        co_return false;  // a voluntary reconnect: subscriptions churn
      }
      co_await rt::sleep_for(env.exec, rt::microseconds(env.random.uniform(0, 3000)));
    }
  }

  // One message or pmessage: from a subscription this connection holds, in order with no gap per publisher
  // connection, and (with the channel subscribed too) each pmessage right after the same message's own
  // delivery on the channel. False after a violation.
  bool message(const std::string& who, const resp::Value& v, bool channel, bool pattern, bool aux_pattern,
               Seqs& last_seq) {
    // message ch <payload> | pmessage <pattern> ch <payload>; payload "p<id>:<conn>:<seq>:<padding>"
    const bool pm = v.elems.size() == 4 && v.elems[0].str == "pmessage";
    const std::string sub = pm || v.elems.size() == 3 ? v.elems[1].str : "";
    const std::string payload = v.elems.empty() ? "" : v.elems.back().str;
    const size_t c2 = payload.find(':', payload.find(':') + 1);
    const size_t c3 = c2 == std::string::npos ? c2 : payload.find(':', c2 + 1);
    const bool held = pm ? (sub == "c*" && pattern) || (sub == "?h" && aux_pattern) : sub == "ch" && channel;
    if (c3 == std::string::npos || (pm && v.elems[2].str != "ch") || !held) {
      violation(who + ": unexpected message " + describe(v));
      return false;
    }
    const std::string from = payload.substr(0, c2);
    const int64_t seq = std::stoll(payload.substr(c2 + 1, c3 - c2 - 1));
    auto& last = last_seq[sub];
    auto it = last.find(from);
    if (it != last.end() && seq != it->second + 1) {
      violation(who + ": from " + from + " got message " + std::to_string(seq) + " after " +
                std::to_string(it->second) + " on " + sub);
      return false;
    }
    last[from] = seq;
    if (!channel) {
      return true;
    }
    // Each publish reaches the channel's subscribers before the patterns': a message published while a
    // pattern is held is owed on that pattern right after it, before the channel's next message.
    auto& owed = last_seq["owed:" + sub];
    if (pm) {
      auto m = owed.find(from);
      if (m == owed.end() || m->second != seq) {
        violation(who + ": pmessage " + std::to_string(seq) + " from " + from + " on " + sub +
                  " did not follow its message on ch");
        return false;
      }
      owed.erase(m);
      return true;
    }
    for (const std::string p : {"c*", "?h"}) {
      if (!(p == "c*" ? pattern : aux_pattern)) {
        continue;
      }
      auto& o = last_seq["owed:" + p];
      if (auto q = o.find(from); q != o.end()) {
        violation(who + ": message " + std::to_string(seq) + " from " + from + " came, but " + p +
                  " never got message " + std::to_string(q->second));
        return false;
      }
      o[from] = seq;
    }
    return true;
  }

  Task<void> subscriber(rt::Env& env, int id) {
    for (;;) {
      if (healed() && sub_batches_[static_cast<size_t>(id)] >= kBatchesAfterHeal) {
        done(kPublishers + id);
        co_return;
      }
      progress(kPublishers + id, "connecting");
      auto cli = co_await connect_server(env);
      if (!cli) {
        continue;
      }
      (void)co_await subscribed_session(env, id, *cli);
      cli->close();
      if (!violations().empty()) {
        co_return;
      }
    }
  }

  std::map<int, int> pub_conns_;  // connections each publisher opened (message ids stay unique)
  std::vector<int> sub_batches_;  // batches each subscriber completed, sent after heal
};

}  // namespace

std::unique_ptr<Scenario> make_server_pubsub_scenario(const ScenarioOptions& o) {
  return std::make_unique<PubSubScenario>(o);
}

}  // namespace codis::sim
