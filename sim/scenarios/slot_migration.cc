// slot_migration: two cluster-mode codis-servers (hosts a and b), a driver playing the dashboard and
// writers playing proxies. The driver gives a every slot, then, until heal, moves a few slots back and forth
// one at a time (target importing, source migrating, batches until the slot is empty, target owned, source
// not-owned; each step one epoch apart, retried on timeouts over a new connection, with the timeout doubling
// after each miss, so a late copy of an old step can still reach a server). A batch is a SLOTSMGRTTAGSLOT or,
// more often, a SLOTSMGRTTAGSLOT-ASYNC with tiny maxbulks, maxbytes and numkeys (so big values go in chunks
// and several messages are in flight); after a batch's call got no answer the driver sometimes sends
// SLOTSMGRT-ASYNC-CANCEL before trying again; a third of the moves are cancelled after a few batches, the
// direction turned so that the target gives back what it got. Each moving slot also holds a hash, a set and a
// sorted set of 12 elements, written once by the driver, that must arrive whole. Writers INCR keys of the
// moving slots (tagged and untagged) and of slots that stay, following -MOVED, -ASK and -TRYAGAIN, and
// sometimes send to the wrong server as a proxy with a stale table would. Invariants: no INCR answer repeats
// a value already acknowledged and each is above every value acknowledged before it was sent (no acknowledged
// increment lost), GETs read at least that much; a server's epoch for a slot never goes back; no slot is
// owned by both servers, and no key is on both servers unless its slot is migrating from one to the other;
// after heal every move completes, each slot sits owned on one server and not-owned on the other, and each
// key's value lies between its acknowledged increments and those plus the unknown ones, and each big value is
// whole on its slot's owner only. Servers are paused but not crashed or powered off (their data does not
// survive a restart yet): the chaos crashes and pauses the driver and the writers, pauses the servers, and
// the network and clock faults hit everyone.
//
// proxy_migration is the same run with the writers going through two codis-proxy processes (crashable,
// stateless, with a routing file that names a for every slot, so every move reaches them as redirects): each
// writer pipelines INCRBY (each key its own prime step), GET and MGET over several slots to one proxy and
// checks every reply against its own command and key, in order; a value of the wrong key is not a multiple
// of the key's step, a write applied twice passes the count of INCRBYs sent, and no redirect may reach it.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cmd/slot.h"
#include "proxy/proxy.h"
#include "proxy/routing_table.h"
#include "rt/sleep.h"
#include "sim/scenarios/server_scenarios.h"
#include "sim/workloads/server_proc.h"
#include "sim/workloads/slot_client.h"

namespace codis::sim {

namespace {

using rt::Task;
using server::SlotInfo;
using server::SlotState;

constexpr int kWriters = 3;
constexpr int kMovingSlots = 3;
constexpr int kOpsAfterHeal = 20;
const std::string kAddr[2] = {"a:6379", "b:6379"};

// A value of 12 elements written once by the driver (idempotently: HSET, SADD, ZADD) and moved with its
// slot, in chunks when the batch's maxbulks is below 6.
struct Big {
  std::string name;
  uint32_t slot = 0;
  std::string type;  // hash, set, zset
};
constexpr int kBigElements = 12;

struct Key {
  std::string name;
  uint32_t slot = 0;
  std::set<int64_t> claimed;  // values acknowledged INCRs returned
  int64_t unknown = 0;        // INCRs sent whose outcome is unknown
  // proxy_migration: the key grows by INCRBY step, a prime of its own, so a value read for another key
  // (a reply routed or merged to the wrong key) is not a multiple of it; `sent` INCRBYs ever sent bound it.
  int64_t step = 1;
  int64_t sent = 0;
};

constexpr int kProxies = 2;
constexpr uint16_t kProxyPort = 19000;

class SlotMigrationScenario final : public ServerScenario {
 public:
  SlotMigrationScenario(const ScenarioOptions&, bool via_proxy) : via_proxy_(via_proxy) {
    make_keys();
    if (via_proxy_) {
      int64_t p = 101;
      for (Key& k : keys_) {
        k.step = p;
        p = next_prime(p + 1);
      }
    }
    driver_ = add_worker("driver");
    for (int i = 0; i < kWriters; ++i) {
      add_worker("writer" + std::to_string(i));
    }
    after_heal_.assign(kWriters, 0);
  }

  void tune_faults(FaultPlan& p, rt::Random r) const override {
    // The servers keep their data in memory only: no power loss. Late segments (the tail) are what make an
    // old step reach a server after a newer one, so more seeds get a fat tail.
    p.host_crash_per_s = 0;
    if (r.chance(0.5)) {
      p.net.tail_chance = 0.005 + r.real01() * 0.05;
    }
  }

  void setup(World& w) override {
    auto cluster = [](server::Config& c) { c.cluster_mode = true; };
    add_server_on(w, "a", slot, cluster);
    add_server_on(w, "b", b_, cluster);
    if (via_proxy_) {
      // Stateless proxies with a stale routing file (every slot on a): they follow the servers' redirects.
      for (int i = 0; i < kProxies; ++i) {
        Host& h = w.add_host("proxy" + std::to_string(i));
        actors_.push_back(
            &w.add_process(h, "proxy" + std::to_string(i), [this](rt::Env& env) { return run_proxy(env); }));
      }
    }
    Host& d = w.add_host("dashboard");
    actors_.push_back(&w.add_process(d, "driver", [this](rt::Env& env) { return driver(env); }));
    for (int i = 0; i < kWriters; ++i) {
      Host& h = w.add_host("writer" + std::to_string(i));
      actors_.push_back(&w.add_process(h, "writer" + std::to_string(i),
                                       [this, i](rt::Env& env) { return writer(env, i); }));
    }
    for (Process* p : actors_) {
      p->start();
    }
    // The white-box checker: not crashable, looks at both servers every millisecond.
    Host& c = w.add_host("checker");
    w.add_process(c, "checker", [this](rt::Env& env) { return checker(env); }).start();
  }

  std::vector<Process*> crashable(World&) override { return actors_; }
  // The servers may stall (their data survives a pause, not yet a restart).
  std::vector<Process*> pausable(World&) override {
    std::vector<Process*> p = actors_;
    p.push_back(slot.proc);
    p.push_back(b_.proc);
    return p;
  }

  std::string pending(World&) const override {
    if (std::string p = workers_pending(); !p.empty()) {
      return p;
    }
    for (uint32_t s : moving_) {
      const int o = owner_.at(s);
      const SlotInfo want_owner{SlotState::kOwned, epoch_.at(s), ""};
      const SlotInfo want_other{SlotState::kNotOwned, epoch_.at(s), kAddr[o]};
      if (server(o) == nullptr || server(1 - o) == nullptr) {
        return "a server is down";
      }
      const SlotInfo& got_owner = server(o)->slot_states().at(s);
      const SlotInfo& got_other = server(1 - o)->slot_states().at(s);
      if (!(got_owner == want_owner) || !(got_other == want_other)) {
        return "slot " + std::to_string(s) + ": " + show(got_owner) + " on " + kAddr[o] + " and " +
               show(got_other) + " on " + kAddr[1 - o] + ", expected " + show(want_owner) + " / " +
               show(want_other);
      }
      if (size_t n = server(1 - o)->db(0).slot_size(s); n != 0) {
        return "slot " + std::to_string(s) + " still has " + std::to_string(n) + " keys on " + kAddr[1 - o];
      }
    }
    return "";
  }

  void final_check(World&) override {
    if (server(0) == nullptr || server(1) == nullptr) {
      violation("a server is down at the end");
      return;
    }
    for (const Big& b : bigs_) {
      const int o = owner_of(b.slot);
      if (server(1 - o)->db(0).peek(b.name, 0) != nullptr) {
        violation(b.name + " is still on " + kAddr[1 - o] + " after its slot settled on " + kAddr[o]);
      }
      const auto* e = server(o)->db(0).peek(b.name, 0);
      if (e == nullptr) {
        violation(b.name + " is missing on " + kAddr[o] + ", the owner of its slot, at the end");
      } else if (std::string why = big_problem(b, e->value); !why.empty()) {
        violation(b.name + " arrived broken on " + kAddr[o] + ": " + why);
      } else if (e->has_expire()) {
        violation(b.name + " kept a TTL on " + kAddr[o] + " (a chunk's temporary one)");
      }
    }
    for (const Key& k : keys_) {
      const int o = owner_of(k.slot);
      if (server(1 - o)->db(0).peek(k.name, 0) != nullptr) {
        violation(k.name + " is still on " + kAddr[1 - o] + " after its slot settled on " + kAddr[o]);
      }
      const auto* e = server(o)->db(0).peek(k.name, 0);
      const int64_t raw = e == nullptr ? 0 : std::stoll(std::string(e->value.str()));
      const int64_t v = raw / k.step;
      const auto claims = static_cast<int64_t>(k.claimed.size());
      if (raw % k.step != 0 || v < claims || v > claims + k.unknown) {
        violation(k.name + " is " + std::to_string(raw) + " (step " + std::to_string(k.step) + ") on " +
                  kAddr[o] + " at the end, but " + std::to_string(claims) + " INCRs were acknowledged and " +
                  std::to_string(k.unknown) + " are unknown");
      }
    }
  }

 private:
  server::Server* server(int i) const { return i == 0 ? slot.server : b_.server; }
  static std::string show(const SlotInfo& i) {
    return std::string(server::SlotStates::name(i.state)) + (i.peer.empty() ? "" : "(" + i.peer + ")") + "@" +
           std::to_string(i.epoch);
  }
  int owner_of(uint32_t s) const {
    auto it = owner_.find(s);
    return it == owner_.end() ? 0 : it->second;
  }

  // Keys: per moving slot three keys sharing its tag and two untagged keys of the same slot; three keys of
  // slots that never move.
  void make_keys() {
    std::set<uint32_t> used;
    for (int t = 0; moving_.size() < kMovingSlots; ++t) {
      const std::string tag = "{t" + std::to_string(t) + "}";
      const uint32_t s = cmd::slot_of(tag);
      if (!used.insert(s).second) {
        continue;
      }
      moving_.push_back(s);
      owner_[s] = 0;
      epoch_[s] = 1;
      for (int i = 0; i < 3; ++i) {
        keys_.push_back(Key{tag + ":" + std::to_string(i), s, {}, 0});
      }
      for (const char* type : {"hash", "set", "zset"}) {
        bigs_.push_back(Big{tag + type, s, type});
      }
      int found = 0;
      for (int i = 0; found < 2; ++i) {
        const std::string k = "m" + std::to_string(i);
        if (cmd::slot_of(k) == s) {
          keys_.push_back(Key{k, s, {}, 0});
          ++found;
        }
      }
    }
    for (int i = 0, found = 0; found < 3; ++i) {
      const std::string k = "static" + std::to_string(i);
      if (used.insert(cmd::slot_of(k)).second) {
        keys_.push_back(Key{k, cmd::slot_of(k), {}, 0});
        ++found;
      }
    }
  }

  // ---- the driver (the dashboard's role) ----

  struct Step {
    int server = 0;
    std::string slots;  // "s" or "first-last"
    std::string state;  // empty: a batch from `server` to the other one
    std::string peer;
    uint64_t epoch = 0;
    std::vector<std::string> write;  // not empty: this command (a big value's), until it answers an integer
    int batches = 0;                 // a batch step: 0 = until the slot is empty, else this many batches
  };

  // The steps of moving slot s to the other server (epochs e+1 and e+2), or, `reverse`, of a move cancelled
  // after `partial` batches: the source imports back what the target got, at e+2, and keeps the slot at e+3.
  // The source turns first (it refuses while keys of the slot are in flight, which includes copies of a
  // failed batch still to delete on the target), so the target never serves a copy the source still holds.
  std::vector<Step> move_steps(uint32_t s, bool reverse, int partial) const {
    const int from = owner_.at(s), to = 1 - from;
    const uint64_t e = epoch_.at(s);
    const std::string ss = std::to_string(s);
    auto state = [&](int server, const char* st, const std::string& peer, uint64_t epoch) {
      return Step{server, ss, st, peer, epoch, {}, 0};
    };
    auto batches = [&](int server, int n) { return Step{server, ss, "", kAddr[1 - server], 0, {}, n}; };
    if (!reverse) {
      return {state(to, "importing", kAddr[from], e + 1), state(from, "migrating", kAddr[to], e + 1),
              batches(from, 0), state(to, "owned", "-", e + 2), state(from, "not-owned", kAddr[to], e + 2)};
    }
    return {state(to, "importing", kAddr[from], e + 1),
            state(from, "migrating", kAddr[to], e + 1),
            batches(from, partial),
            state(from, "importing", kAddr[to], e + 2),
            state(to, "migrating", kAddr[from], e + 2),
            batches(to, 0),
            state(from, "owned", "-", e + 3),
            state(to, "not-owned", kAddr[from], e + 3)};
  }

  // A connection per server, reopened after any error.
  struct DriverConns {
    std::unique_ptr<RespClient> c[2];
  };

  // The command that writes a big value (the same whole value however often it runs).
  static std::vector<std::string> big_write(const Big& b) {
    std::vector<std::string> args = {b.type == "hash" ? "HSET" : b.type == "set" ? "SADD" : "ZADD", b.name};
    for (int i = 0; i < kBigElements; ++i) {
      if (b.type == "zset") {
        args.push_back(std::to_string(i) + ".5");
      }
      args.push_back("e" + std::to_string(i));
      if (b.type == "hash") {
        args.push_back("v" + std::to_string(i));
      }
    }
    return args;
  }

  // "" when `o` is b's whole value.
  static std::string big_problem(const Big& b, const server::Object& o) {
    size_t n = 0;
    bool right = true;
    if (b.type == "hash" && o.is(server::ObjType::kHash)) {
      for (const auto& [f, v] : o.hash_value()) {
        right = right && v == "v" + f.substr(1);
        ++n;
      }
    } else if (b.type == "set" && o.is(server::ObjType::kSet)) {
      n = o.set_value().size();
    } else if (b.type == "zset" && o.is(server::ObjType::kZSet)) {
      o.zset_value().for_each([&](std::string_view m, double score) {
        right = right && std::to_string(score).starts_with(std::string(m.substr(1)) + ".5");
        ++n;
      });
    } else {
      return "a " + std::string(server::type_name(o.type())) + ", not a " + b.type;
    }
    if (n != kBigElements || !right) {
      return std::to_string(n) + " elements" + (right ? "" : ", some wrong");
    }
    return "";
  }

  // One step, retried until it succeeds; the driver's state (the plan and how far it got) lives in the
  // scenario, as the dashboard keeps its in the coordinator, so a restarted driver resumes the step.
  Task<void> run_step(rt::Env& env, DriverConns& conns, Step st) {
    rt::Duration timeout = rt::milliseconds(env.random.uniform(10, 100));
    int64_t mgrt_timeout = env.random.uniform(20, 200);
    bool unanswered = false;  // the last batch got no answer: it may still run on the server
    int done_batches = 0;
    for (;;) {
      auto& c = conns.c[st.server];
      if (!c) {
        c = co_await connect_to(env, parse_addr(kAddr[st.server]));
        if (!c) {
          continue;
        }
      }
      const bool batch = st.state.empty() && st.write.empty();
      if (batch && unanswered && env.random.chance(0.5)) {
        // As an operator would: stop whatever batch still runs (its keys stay on the source), then retry.
        unanswered = false;
        std::vector<std::string> cancel = {"SLOTSMGRT-ASYNC-CANCEL"};
        auto r = co_await c->call(env, std::move(cancel), timeout);
        if (!r.ok()) {
          c->close();  // its answer may still come: not on the connection of the next call
          c.reset();
          continue;
        }
        if (r->kind != resp::Kind::kInteger) {
          violation("driver: SLOTSMGRT-ASYNC-CANCEL on " + kAddr[st.server] + " answered " + describe(*r));
          co_return;
        }
        continue;
      }
      std::vector<std::string> args;
      if (!st.write.empty()) {
        args = st.write;
      } else if (batch && env.random.chance(0.3)) {
        const rt::Endpoint to = parse_addr(st.peer);
        args = {"SLOTSMGRTTAGSLOT", to.host, std::to_string(to.port), std::to_string(mgrt_timeout), st.slots};
      } else if (batch) {
        // Tiny limits: big values go in chunks of 1 to 4 elements, a few messages in flight at a time.
        const rt::Endpoint to = parse_addr(st.peer);
        args = {"SLOTSMGRTTAGSLOT-ASYNC",
                to.host,
                std::to_string(to.port),
                std::to_string(mgrt_timeout),
                std::to_string(env.random.uniform(1, 4)),
                std::to_string(env.random.uniform(1, 300)),
                st.slots,
                std::to_string(env.random.uniform(1, 6))};
      } else {
        args = {"SLOTSSETSTATE", st.slots, st.state, st.peer, std::to_string(st.epoch)};
      }
      const rt::Duration wait = batch ? timeout + rt::milliseconds(mgrt_timeout * 4) : timeout;
      auto r = co_await c->call(env, args, wait);
      progress(driver_, "moving slot " + st.slots + ": " + args[0] + " " + (args.size() > 2 ? args[2] : "") +
                            " on " + kAddr[st.server] + " -> " + (r.ok() ? describe(*r) : "no answer"));
      if (!r.ok()) {
        // No answer: the command may still arrive later. Reconnect and send it again, more patiently.
        c->close();
        c.reset();
        timeout = std::min<rt::Duration>(timeout * 2, rt::seconds(2));
        unanswered = batch;
        continue;
      }
      if (!st.write.empty()) {
        if (r->kind == resp::Kind::kInteger) {
          co_return;
        }
        violation("driver: " + args[0] + " " + args[1] + " on " + kAddr[st.server] + " answered " +
                  describe(*r));
        co_return;
      }
      if (!st.state.empty()) {
        if (r->kind == resp::Kind::kSimpleString && r->str == "OK") {
          co_return;
        }
        if (r->is_error() && r->str.starts_with("TRYAGAIN") && st.state != "migrating") {
          // The slot still has keys in flight here: wait for them.
          co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(1, 20)));
          continue;
        }
        violation("driver: " + args[0] + " " + args[1] + " " + args[2] + " " + args[3] + " " + args[4] +
                  " on " + kAddr[st.server] + " answered " + describe(*r));
        co_return;
      }
      if (r->kind == resp::Kind::kArray && r->elems.size() == 2 && r->elems[1].kind == resp::Kind::kInteger) {
        if (r->elems[1].num == 0 || (st.batches > 0 && ++done_batches >= st.batches)) {
          co_return;
        }
        co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(0, 20)));
        continue;
      }
      if (r->is_error() &&
          (r->str.starts_with("IOERR") || r->str.starts_with("ERR interrupted") ||
           r->str.find("refused the keys: the specified key doesn't exist") != std::string::npos)) {
        // A slow or cut link: be more patient. (The last: a chunked copy on the target outlived its temporary
        // TTL, 3 x timeout, say after a clock jump there; the target refused to rebuild it from later
        // chunks.)
        mgrt_timeout = std::min<int64_t>(mgrt_timeout * 2, 5000);
      } else if (!(r->is_error() &&
                   (r->str.starts_with("TRYAGAIN") || r->str == "ERR the specified DB is being migrated"))) {
        // (A batch still runs when an earlier call's answer was lost: wait for it.)
        violation("driver: " + args[0] + " " + st.slots + " on " + kAddr[st.server] + " answered " +
                  describe(*r));
        co_return;
      }
      co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(1, 20)));
    }
  }

  Task<void> driver(rt::Env& env) {
    DriverConns conns;
    if (!setup_done_) {
      // Named, not temporaries: GCC 12 destroys a temporary argument of a coroutine call too early.
      Step own{0, "0-1023", "owned", "-", 1, {}, 0};
      Step not_own{1, "0-1023", "not-owned", kAddr[0], 1, {}, 0};
      co_await run_step(env, conns, std::move(own));
      co_await run_step(env, conns, std::move(not_own));
      for (const Big& b : bigs_) {
        Step write{0, "", "", "", 0, big_write(b), 0};
        co_await run_step(env, conns, std::move(write));
      }
      setup_done_ = true;
    }
    for (;;) {
      if (plan_.empty()) {
        if (healed()) {
          break;
        }
        co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(20, 500)));
        const uint32_t s = moving_[static_cast<size_t>(moves_) % moving_.size()];
        plan_reverse_ = env.random.chance(0.3);
        plan_ = move_steps(s, plan_reverse_, static_cast<int>(env.random.uniform(1, 3)));
        plan_slot_ = s;
        progress(driver_,
                 (plan_reverse_ ? "moving and cancelling slot " : "moving slot ") + std::to_string(s));
      }
      Step st = plan_[next_];
      co_await run_step(env, conns, std::move(st));
      if (++next_ == plan_.size()) {
        if (!plan_reverse_) {
          owner_[plan_slot_] = 1 - owner_[plan_slot_];
        }
        epoch_[plan_slot_] += plan_reverse_ ? 3 : 2;
        plan_.clear();
        next_ = 0;
        ++moves_;
      } else {
        co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(0, 10)));
      }
    }
    for (auto& c : conns.c) {
      if (c) {
        c->close();
      }
    }
    progress(driver_, std::to_string(moves_) + " moves done");
    done(driver_);
  }

  // ---- the writers (proxies) ----

  Task<void> writer(rt::Env& env, int id) {
    if (via_proxy_) {
      co_await proxy_writer(env, id);
      co_return;
    }
    SlotClient cli({kAddr[0], kAddr[1]}, 0.1);
    const std::string who = "writer" + std::to_string(id);
    int& after = after_heal_[static_cast<size_t>(id)];
    while (!(healed() && after >= kOpsAfterHeal && worker_done(driver_))) {
      Key& k = keys_[env.random.uniform(0, keys_.size() - 1)];
      const int64_t floor = k.claimed.empty() ? 0 : *k.claimed.rbegin();
      const bool incr = env.random.chance(0.8);
      if (incr) {
        ++k.unknown;  // until the answer settles it (the writer may crash meanwhile)
      }
      std::vector<std::string> args = {incr ? "INCR" : "GET", k.name};
      Routed r = co_await cli.call(env, args, k.slot, rt::seconds(1));
      if (r.outcome == Routed::Outcome::kUnknown) {
        co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(1, 50)));
        continue;
      }
      if (incr) {
        --k.unknown;
      }
      if (r.outcome == Routed::Outcome::kGaveUp) {
        progress(id + 1, "gave up on " + k.name + " after " + std::to_string(r.redirects) + " redirects");
        co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(10, 100)));
        continue;
      }
      const resp::Value& v = r.reply;
      if (incr && v.kind == resp::Kind::kInteger) {
        if (!k.claimed.insert(v.num).second) {
          violation(who + ": INCR " + k.name + " answered " + std::to_string(v.num) +
                    ", which an earlier INCR already got: an acknowledged increment was lost");
        } else if (v.num <= floor) {
          violation(who + ": INCR " + k.name + " answered " + std::to_string(v.num) + " after " +
                    std::to_string(floor) + " was acknowledged");
        }
      } else if (!incr && (v.is_null() || v.kind == resp::Kind::kBulkString)) {
        const int64_t got = v.is_null() ? 0 : std::stoll(v.str);
        if (got < floor) {
          violation(who + ": GET " + k.name + " read " + describe(v) + " after " + std::to_string(floor) +
                    " was acknowledged");
        }
      } else {
        violation(who + ": " + args[0] + " " + k.name + " answered " + describe(v));
      }
      if (healed()) {
        ++after;
        progress(id + 1,
                 std::to_string(after) + "/" + std::to_string(kOpsAfterHeal) + " operations since heal");
      }
      co_await rt::sleep_for(env.exec, rt::microseconds(env.random.uniform(0, 3000)));
    }
    cli.close_all();
    done(id + 1);
  }

  // ---- proxy_migration: the proxies and the writers that use them ----

  static int64_t next_prime(int64_t n) {
    for (;; ++n) {
      bool prime = n > 1;
      for (int64_t d = 2; d * d <= n && prime; ++d) {
        prime = n % d != 0;
      }
      if (prime) {
        return n;
      }
    }
  }

  Task<void> run_proxy(rt::Env& env) {
    auto parsed = proxy::RoutingTable::parse("{\"epoch\": 1, \"groups\": [{\"id\": 1, \"master\": \"" +
                                             kAddr[0] + "\"}, {\"id\": 2, \"master\": \"" + kAddr[1] +
                                             "\"}], \"slots\": [{\"range\": [0, 1023], \"group\": 1}]}");
    auto l = env.net.listen(rt::Endpoint("0.0.0.0", kProxyPort));
    if (!l.ok() || parsed.index() != 0) {
      violation("a proxy could not start");
      co_return;
    }
    proxy::ProxyConfig config;
    config.redirect_timeout = rt::seconds(2);
    proxy::Proxy p(env, config, std::get<0>(parsed));
    co_await p.serve(std::move(*l));
  }

  // What a pipelined command expects back.
  struct Expect {
    std::string cmd;             // INCRBY, GET, MGET
    std::vector<Key*> keys;      // its keys, in order
    std::vector<int64_t> floor;  // per key: the highest value acknowledged when it was sent
  };

  // Checks a value read for k (GET, or an element of MGET): a multiple of k's step, at least what was
  // acknowledged before the read was sent, at most every INCRBY ever sent.
  void check_read(const std::string& who, const std::string& what, const Key& k, int64_t floor,
                  const resp::Value& v) {
    if (!v.is_null() && v.kind != resp::Kind::kBulkString) {
      violation(who + ": " + what + " read " + describe(v) + " for " + k.name);
      return;
    }
    const int64_t got = v.is_null() ? 0 : std::stoll(v.str);
    if (got % k.step != 0 || got > k.sent * k.step) {
      violation(who + ": " + what + " read " + describe(v) + " for " + k.name + " (step " +
                std::to_string(k.step) + ", " + std::to_string(k.sent) +
                " INCRBYs sent): a reply for another key, or out of order");
    } else if (got < floor) {
      violation(who + ": " + what + " read " + describe(v) + " for " + k.name + " after " +
                std::to_string(floor) + " was acknowledged");
    }
  }

  // A writer pipelines 1..4 commands (INCRBY, GET, MGET over slots) to one proxy and checks every reply
  // against its own command, in order. A proxy never shows a redirect: any error ends the batch as unknown.
  Task<void> proxy_writer(rt::Env& env, int id) {
    const std::string who = "writer" + std::to_string(id);
    int& after = after_heal_[static_cast<size_t>(id)];
    std::unique_ptr<RespClient> c;
    while (!(healed() && after >= kOpsAfterHeal && worker_done(driver_))) {
      if (!c) {
        c = co_await connect_to(
            env, rt::Endpoint("proxy" + std::to_string(env.random.uniform(0, kProxies - 1)), kProxyPort));
        if (!c) {
          continue;
        }
      }
      std::vector<Expect> batch(static_cast<size_t>(env.random.uniform(1, 4)));
      for (Expect& e : batch) {
        const uint64_t r = env.random.uniform(0, 9);
        e.cmd = r < 6 ? "INCRBY" : r < 8 ? "GET" : "MGET";
        const size_t n = e.cmd == "MGET" ? env.random.uniform(2, 4) : 1;
        std::vector<std::string> args = {e.cmd};
        for (size_t i = 0; i < n; ++i) {
          Key& k = keys_[env.random.uniform(0, keys_.size() - 1)];
          e.keys.push_back(&k);
          e.floor.push_back(k.claimed.empty() ? 0 : *k.claimed.rbegin());
          args.push_back(k.name);
        }
        if (e.cmd == "INCRBY") {
          args.push_back(std::to_string(e.keys[0]->step));
          ++e.keys[0]->unknown;  // until the answer settles it
          ++e.keys[0]->sent;
        }
        c->queue(args);
      }
      bool broken = !(co_await c->flush()).ok();
      for (Expect& e : batch) {
        rt::Result<resp::Value> r = rt::Errc::kConnReset;
        if (!broken) {
          r = co_await c->read(env, rt::seconds(3));
        }
        if (!r.ok() || (r->kind == resp::Kind::kError && e.cmd == "INCRBY")) {
          // No answer, or the proxy could not say (backend lost, deadline): the outcome is unknown.
          broken = broken || !r.ok();
          continue;
        }
        const resp::Value& v = *r;
        if (v.kind == resp::Kind::kError) {
          const std::string_view text = v.str;
          if (text.starts_with("MOVED") || text.starts_with("ASK") || text.starts_with("TRYAGAIN")) {
            violation(who + ": the proxy showed a redirect: " + describe(v));
          }
          continue;
        }
        if (e.cmd == "INCRBY") {
          Key& k = *e.keys[0];
          --k.unknown;
          if (v.kind != resp::Kind::kInteger || v.num % k.step != 0) {
            violation(who + ": INCRBY " + k.name + " " + std::to_string(k.step) + " answered " + describe(v) +
                      ": a reply for another key, or out of order");
          } else if (!k.claimed.insert(v.num).second) {
            violation(who + ": INCRBY " + k.name + " answered " + std::to_string(v.num) +
                      ", which an earlier one already got: an acknowledged increment was lost");
          } else if (v.num <= e.floor[0]) {
            violation(who + ": INCRBY " + k.name + " answered " + std::to_string(v.num) + " after " +
                      std::to_string(e.floor[0]) + " was acknowledged");
          }
        } else if (e.cmd == "GET") {
          check_read(who, "GET", *e.keys[0], e.floor[0], v);
        } else if (v.kind != resp::Kind::kArray || v.elems.size() != e.keys.size()) {
          violation(who + ": MGET of " + std::to_string(e.keys.size()) + " keys answered " + describe(v));
        } else {
          for (size_t i = 0; i < e.keys.size(); ++i) {
            check_read(who, "MGET", *e.keys[i], e.floor[i], v.elems[i]);
          }
        }
        if (healed()) {
          ++after;
          progress(id + 1,
                   std::to_string(after) + "/" + std::to_string(kOpsAfterHeal) + " operations since heal");
        }
      }
      if (broken) {
        c->close();
        c.reset();
        co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(1, 50)));
      }
      co_await rt::sleep_for(env.exec, rt::microseconds(env.random.uniform(0, 3000)));
    }
    if (c) {
      c->close();
    }
    done(id + 1);
  }

  // ---- the white-box checker ----

  void check_now() {
    if (server(0) == nullptr || server(1) == nullptr) {
      return;
    }
    for (uint32_t s : moving_) {
      const SlotInfo& a = server(0)->slot_states().at(s);
      const SlotInfo& b = server(1)->slot_states().at(s);
      for (int i = 0; i < 2; ++i) {
        const SlotInfo& x = i == 0 ? a : b;
        uint64_t& seen = seen_epoch_[{i, s}];
        if (x.epoch < seen) {
          violation("slot " + std::to_string(s) + " went back on " + kAddr[i] + " from epoch " +
                    std::to_string(seen) + " to " + show(x));
        }
        seen = std::max(seen, x.epoch);
      }
      if (a.state == SlotState::kOwned && b.state == SlotState::kOwned) {
        violation("slot " + std::to_string(s) + " is owned by both servers: " + show(a) + " / " + show(b));
      }
    }
    std::vector<std::pair<const std::string*, uint32_t>> names;
    for (const Key& k : keys_) {
      names.emplace_back(&k.name, k.slot);
    }
    for (const Big& b : bigs_) {
      names.emplace_back(&b.name, b.slot);
    }
    for (const auto& [name, slot] : names) {
      if (server(0)->db(0).peek(*name, 0) == nullptr || server(1)->db(0).peek(*name, 0) == nullptr) {
        continue;
      }
      const SlotInfo& a = server(0)->slot_states().at(slot);
      const SlotInfo& b = server(1)->slot_states().at(slot);
      // Legal only while one server migrates the slot to the other, which imports it from the first: the
      // source's copy is the one served, the target's (a batch landing, or one whose acknowledgement was
      // lost) is replaced when the key is sent again.
      const bool a_to_b = a.state == SlotState::kMigrating && a.peer == kAddr[1] &&
                          b.state == SlotState::kImporting && b.peer == kAddr[0];
      const bool b_to_a = b.state == SlotState::kMigrating && b.peer == kAddr[0] &&
                          a.state == SlotState::kImporting && a.peer == kAddr[1];
      if (!a_to_b && !b_to_a) {
        violation(*name + " is on both servers while its slot is " + show(a) + " on a and " + show(b) +
                  " on b");
      }
    }
  }

  Task<void> checker(rt::Env& env) {
    for (;;) {
      check_now();
      co_await rt::sleep_for(env.exec, rt::milliseconds(1));
    }
  }

  bool via_proxy_ = false;
  ServerSlot b_;
  std::vector<Process*> actors_;
  std::vector<Key> keys_;
  std::vector<Big> bigs_;
  std::vector<uint32_t> moving_;
  std::map<uint32_t, int> owner_;       // slot -> 0 (a) or 1 (b), as of the last finished move
  std::map<uint32_t, uint64_t> epoch_;  // slot -> epoch of its last finished move
  std::map<std::pair<int, uint32_t>, uint64_t> seen_epoch_;
  bool setup_done_ = false;
  std::vector<Step> plan_;  // the steps of the move in progress
  size_t next_ = 0;
  uint32_t plan_slot_ = 0;
  bool plan_reverse_ = false;  // the move in progress is cancelled halfway
  int moves_ = 0;
  int driver_ = 0;
  std::vector<int> after_heal_;
};

}  // namespace

std::unique_ptr<Scenario> make_slot_migration_scenario(const ScenarioOptions& o) {
  return std::make_unique<SlotMigrationScenario>(o, false);
}

std::unique_ptr<Scenario> make_proxy_migration_scenario(const ScenarioOptions& o) {
  return std::make_unique<SlotMigrationScenario>(o, true);
}

}  // namespace codis::sim
