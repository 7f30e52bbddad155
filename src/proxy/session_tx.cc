// Session, part 3: MULTI/EXEC/DISCARD queued by the proxy and sent as one block to the slot's server, and
// WATCH on a backend connection of the client's own.
#include <algorithm>

#include "cmd/errors.h"
#include "cmd/keys.h"
#include "cmd/slot.h"
#include "cmd/table.h"
#include "proxy/backend.h"
#include "proxy/proxy.h"
#include "proxy/router.h"
#include "proxy/session.h"
#include "resp/reply_writer.h"

namespace codis::proxy {

namespace {

constexpr std::string_view kMulti = "*1\r\n$5\r\nMULTI\r\n";
constexpr std::string_view kExec = "*1\r\n$4\r\nEXEC\r\n";
constexpr std::string_view kUnwatch = "*1\r\n$7\r\nUNWATCH\r\n";

// The slot every key of argv hashes to: -1 without keys, -2 when they span slots; `err` gets the Redis
// error of a malformed key list, whose slot is then that of the keys that can still be found.
int32_t slot_of_keys(const cmd::CommandSpec& spec, std::span<const std::string_view> argv, std::string& err) {
  cmd::KeyList keys;
  const cmd::KeysError e = cmd::extract_keys(spec, argv, keys);
  if (e != cmd::KeysError::kNone) {
    // PFMERGE dest without sources still writes dest.
    err = cmd::keys_error_text(spec, e);
    cmd::extract_partial_keys(spec, argv, keys);
  }
  int32_t slot = -1;
  for (const cmd::KeyPos& k : keys) {
    const auto s = static_cast<int32_t>(cmd::slot_of(argv[k.index]));
    if (slot >= 0 && s != slot) {
      return -2;
    }
    slot = s;
  }
  return slot;
}

}  // namespace

// ---- transactions ----

bool Session::transaction(std::span<const std::string_view> argv, const cmd::CommandSpec& spec) {
  const std::string_view name = spec.name;
  if (name == "multi") {
    if (in_multi_) {
      push_done(resp::error_reply("ERR MULTI calls can not be nested"));
    } else {
      in_multi_ = true;
      push_done("+OK\r\n");
    }
    return true;
  }
  if (name == "exec") {
    exec();
    return true;
  }
  if (name == "discard") {
    if (!in_multi_) {
      push_done(resp::error_reply("ERR DISCARD without MULTI"));
      return true;
    }
    end_transaction_and_unwatch("+OK\r\n");  // DISCARD forgets the watched keys too
    return true;
  }
  if (name == "reset") {
    // Back to a fresh connection's state.
    drop_subscriptions();
    protocol_ = 2;
    name_.clear();
    authenticated_ = proxy_.config().password.empty();
    end_transaction_and_unwatch("+RESET\r\n");
    return true;
  }
  if (name == "watch") {
    if (in_multi_) {
      push_done(resp::error_reply("ERR WATCH inside MULTI is not allowed"));
    } else {
      watch(argv, spec);
    }
    return true;
  }
  if (name == "unwatch") {
    end_transaction_and_unwatch("+OK\r\n");  // outside MULTI: only the WATCH ends
    return true;
  }
  return false;
}

void Session::queue_in_transaction(std::span<const std::string_view> argv, const cmd::CommandSpec& spec) {
  const cmd::Route route = spec.policy.route;
  const std::string_view name = spec.name;
  const bool server_can_run = route == cmd::Route::kSingleSlot || route == cmd::Route::kSplitByKey ||
                              route == cmd::Route::kAnyGroup || name == "ping" || name == "echo";
  if (!server_can_run) {
    tx_failed_ = true;
    push_done(resp::error_reply(
        "ERR codis-proxy: '" + std::string(name) +
        "' cannot be part of a transaction through the proxy (a transaction runs on one server)"));
    return;
  }
  // A malformed key list (ZDIFF -1 k) is queued as Redis queues it (Redis checks only the arity then): the
  // server replies the command's own error inside EXEC's reply and runs the rest. It binds the transaction
  // to the slot of the keys that can still be found (PFMERGE dest), if any.
  std::string malformed;
  const int32_t slot = slot_of_keys(spec, argv, malformed);
  const int32_t bound = tx_slot_ >= 0 ? tx_slot_ : (watching_ ? watch_slot_ : -1);
  if (slot == -2 || (slot >= 0 && bound >= 0 && slot != bound)) {
    tx_failed_ = true;
    push_done(resp::error_reply(
        "ERR codis-proxy: a transaction runs on one server, so all its keys (and WATCHed keys) must "
        "hash to one slot; this command's keys " +
        (slot == -2 ? std::string("span slots") : "are in slot " + std::to_string(slot)) +
        (bound >= 0 ? ", the transaction's in slot " + std::to_string(bound) : std::string())));
    return;
  }
  if (slot >= 0) {
    tx_slot_ = slot;
  }
  tx_.push_back(encode_request(argv));
  push_done("+QUEUED\r\n");
}

void Session::exec() {
  if (!in_multi_) {
    push_done(resp::error_reply("ERR EXEC without MULTI"));
    return;
  }
  if (tx_failed_) {
    // Nothing reaches the server, so its WATCH must end by an UNWATCH: else it would still hold the keys
    // and fail a later transaction of this client on that connection (Redis's EXECABORT unwatches too).
    end_transaction_and_unwatch(
        resp::error_reply("EXECABORT Transaction discarded because of previous errors."));
    return;
  }
  if (tx_.empty() && !watching_) {
    push_done("*0\r\n");
    end_transaction();
    return;
  }
  auto job = std::make_shared<Job>();
  job->calls.resize(1);
  Call& c = job->calls[0];
  c.wire.append(kMulti);
  for (const std::string& w : tx_) {
    c.wire.append(w);
  }
  c.wire.append(kExec);
  c.extra_replies = static_cast<uint32_t>(tx_.size() + 1);
  c.slot = tx_slot_;
  job->calls_left = 1;
  job->protocol = protocol_;
  const bool watched = watching_;
  const rt::Endpoint addr = watch_addr_;
  end_transaction();
  push(job);
  if (watched) {
    // The EXEC must run where, and on the connection where, WATCH ran; a redirect means it did not run.
    job->pinned = true;
    job->pin = this;
    job->follow_redirects = false;
    launch(job, [this, job, addr] {
      job->calls[0].need_connection = watch_connection_;
      to(addr).send(job, 0, false);
    });
  } else {
    launch_shared(job);
  }
}

void Session::end_transaction_and_unwatch(std::string reply) {
  const bool was_watching = watching_;
  const rt::Endpoint addr = watch_addr_;
  end_transaction();
  if (!was_watching) {
    push_done(std::move(reply));
    return;
  }
  // The server holding the watched keys hears UNWATCH on the connection that ran WATCH; the client gets
  // `reply` once it is done.
  auto job = std::make_shared<Job>();
  job->calls.resize(1);
  job->calls[0].wire = std::string(kUnwatch);
  job->calls_left = 1;
  job->merge_fn = [reply](const Job&) { return reply; };
  job->pinned = true;
  job->pin = this;
  push(job);
  launch(job, [this, job, addr] { to(addr).send(job, 0, false); });
}

void Session::end_transaction() {
  in_multi_ = false;
  tx_.clear();
  tx_slot_ = -1;
  tx_failed_ = false;
  watching_ = false;  // EXEC and DISCARD end WATCH too
  watch_slot_ = -1;
}

void Session::watch(std::span<const std::string_view> argv, const cmd::CommandSpec& spec) {
  std::string err;
  const int32_t slot = slot_of_keys(spec, argv, err);
  if (!err.empty()) {
    push_done(resp::error_reply(err));
    return;
  }
  if (slot == -2 || (watching_ && slot != watch_slot_)) {
    push_done(resp::error_reply(
        "ERR codis-proxy: WATCHed keys must all hash to one slot (the transaction runs on one "
        "server)"));
    return;
  }
  const rt::Endpoint* owner = proxy_.owner_of(static_cast<uint32_t>(slot));
  if (owner == nullptr) {
    push_done(resp::error_reply("ERR slot " + std::to_string(slot) + " is not served"));
    return;
  }
  if (watching_ && !(*owner == watch_addr_)) {
    push_done(
        resp::error_reply("ERR codis-proxy: the slot of the WATCHed keys moved; UNWATCH and start again"));
    return;
  }
  auto job = std::make_shared<Job>();
  job->calls.resize(1);
  job->calls[0].wire = encode_request(argv);
  job->calls[0].slot = slot;
  job->calls_left = 1;
  job->pinned = true;
  job->pin = this;
  job->follow_redirects = false;
  job->protocol = protocol_;
  const bool first = !watching_;
  watching_ = true;
  watch_slot_ = slot;
  watch_addr_ = *owner;
  push(job);
  launch(job, [this, job, first, addr = *owner] {
    Backend& b = to(addr);
    if (first) {
      watch_connection_ = b.connection_for_send();  // the EXEC must go out on this very connection
    }
    job->calls[0].need_connection = watch_connection_;
    b.send(job, 0, false);
  });
}

}  // namespace codis::proxy
