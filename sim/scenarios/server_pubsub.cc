// server_pubsub: publishers publish numbered messages to one channel while subscribers, subscribed to it,
// pipeline batches of numbered PINGs (and SUBSCRIBE/UNSUBSCRIBE of a second channel) and wait for every
// reply. Invariants, per subscriber connection: the replies to its commands come back complete and in
// order (PING n answers "pong n", n = 0, 1, 2, ... with no gap), and the messages of each publisher
// connection arrive in publish order with no gap (all of them were published while it was subscribed).
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

  // One subscribed connection: false when it broke (or was given up voluntarily), after recording why.
  Task<bool> subscribed_session(rt::Env& env, int id, RespClient& cli) {
    const std::string who = "subscriber" + std::to_string(id);
    progress(kPublishers + id, "subscribing");
    cli.queue({"SUBSCRIBE", "ch"});
    if (!(co_await cli.flush()).ok()) {
      co_return false;
    }
    auto first = co_await cli.read(env, rt::seconds(3));
    if (!first.ok()) {
      co_return false;
    }
    if (shape(*first) != "subscribe:ch:1") {
      violation(who + ": SUBSCRIBE answered " + describe(*first));
      co_return false;
    }
    std::map<std::string, int64_t> last_seq;  // publisher connection -> last message seen
    int64_t ping = 0;
    for (;;) {
      if (healed() && sub_batches_[static_cast<size_t>(id)] >= kBatchesAfterHeal) {
        co_return true;
      }
      // One batch: numbered PINGs, sometimes with a second subscription taken and dropped in between.
      std::vector<std::string> expect;
      const int n = static_cast<int>(env.random.uniform(1, 100));
      const int aux_at = env.random.chance(0.3) ? static_cast<int>(env.random.uniform(0, n - 1)) : -1;
      for (int i = 0; i < n; ++i) {
        if (i == aux_at) {
          cli.queue({"SUBSCRIBE", "aux"});
          expect.push_back("subscribe:aux:2");
        }
        cli.queue({"PING", std::to_string(ping)});
        expect.push_back("pong:" + std::to_string(ping));
        ++ping;
        if (i == aux_at) {
          cli.queue({"UNSUBSCRIBE", "aux"});
          expect.push_back("unsubscribe:aux:1");
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
        if (s.rfind("message:ch:", 0) == 0) {
          // "message:ch:p<id>:<conn>:<seq>:<padding>"
          const std::string payload = r->elems.size() == 3 ? r->elems[2].str : "";
          const size_t c2 = payload.find(':', payload.find(':') + 1);
          const size_t c3 = payload.find(':', c2 + 1);
          if (c2 == std::string::npos || c3 == std::string::npos) {
            violation(who + ": malformed message " + describe(*r));
            co_return false;
          }
          const std::string from = payload.substr(0, c2);
          const int64_t seq = std::stoll(payload.substr(c2 + 1, c3 - c2 - 1));
          auto it = last_seq.find(from);
          if (it != last_seq.end() && seq != it->second + 1) {
            violation(who + ": from " + from + " got message " + std::to_string(seq) + " after " +
                      std::to_string(it->second) + " on one subscription");
            co_return false;
          }
          last_seq[from] = seq;
          continue;
        }
        if (s != expect[got]) {
          violation(who + ": expected reply " + expect[got] + ", got " + describe(*r));
          co_return false;
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
