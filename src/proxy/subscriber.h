// A client's subscription connection to one server: SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE requests go out, and
// the messages the server pushes come back to the client as they are. The server's confirmations are
// dropped (the proxy answers them itself, with the client's own counts). After a reconnect the
// subscriptions are made again (messages published meanwhile are lost, as pub/sub is at most once).
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "proxy/out_box.h"
#include "rt/env.h"
#include "rt/net.h"
#include "rt/task.h"

namespace codis::proxy {

class Subscriber {
 public:
  enum class Kind { kChannel, kPattern, kShard };
  using PushFn = std::function<void(std::string_view frame)>;
  // The server confirmed a (un)subscription: kind "subscribe", "psubscribe", "ssubscribe", "unsubscribe",
  // "punsubscribe" or "sunsubscribe", and its name.
  using ConfirmFn = std::function<void(std::string_view kind, std::string_view name)>;

  Subscriber(rt::Env& env, rt::Endpoint addr, std::string password, int protocol, PushFn on_push,
             ConfirmFn on_confirm);
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // True when the server will confirm it (it was not subscribed here yet).
  bool subscribe(Kind kind, const std::string& name);
  // True when the server will confirm it (it was subscribed here and the connection is up).
  bool unsubscribe(Kind kind, const std::string& name);
  bool empty() const { return channels_.empty() && patterns_.empty() && shards_.empty(); }
  // Connects, subscribes, forwards; reconnects after a failure. Runs until cancelled.
  rt::Task<void> run();

 private:
  std::set<std::string>& set_of(Kind kind);
  void queue(std::string_view verb, const std::string& name);
  rt::Task<void> reader(rt::Stream& s);
  rt::Task<void> writer(rt::Stream& s);

  rt::Env& env_;
  rt::Endpoint addr_;
  std::string password_;
  int protocol_;
  PushFn on_push_;
  ConfirmFn on_confirm_;
  std::set<std::string> channels_, patterns_, shards_;
  OutBox out_;  // requests not yet written
  bool connected_ = false;
};

// The n-th (from 0) bulk string of a push or array frame of bulk strings ("" when there is none).
std::string_view nth_bulk(std::string_view frame, size_t n);

}  // namespace codis::proxy
