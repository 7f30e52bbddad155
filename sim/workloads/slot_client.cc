#include "sim/workloads/slot_client.h"

#include "rt/sleep.h"
#include "sim/workloads/server_proc.h"

namespace codis::sim {

namespace {

constexpr int kMaxHops = 100;

bool starts_with(const resp::Value& v, std::string_view word) {
  return v.is_error() && v.str.starts_with(word);
}

// The address field of "-MOVED slot addr epoch" and "-ASK slot addr epoch".
std::string redirect_addr(const std::string& err) {
  const size_t a = err.find(' ');
  const size_t b = a == std::string::npos ? a : err.find(' ', a + 1);
  if (b == std::string::npos) {
    return "";
  }
  const size_t c = err.find(' ', b + 1);
  return err.substr(b + 1, c == std::string::npos ? std::string::npos : c - b - 1);
}

}  // namespace

rt::Endpoint parse_addr(const std::string& addr) {
  const size_t colon = addr.rfind(':');
  if (colon == std::string::npos) {
    return rt::Endpoint(addr, 0);
  }
  return rt::Endpoint(addr.substr(0, colon), static_cast<uint16_t>(std::stoi(addr.substr(colon + 1))));
}

SlotClient::SlotClient(std::vector<std::string> servers, double wrong_server_chance)
    : servers_(std::move(servers)), wrong_server_chance_(wrong_server_chance) {}

rt::Task<RespClient*> SlotClient::conn(rt::Env& env, const std::string& addr) {
  if (auto it = conns_.find(addr); it != conns_.end()) {
    co_return it->second.get();
  }
  auto c = co_await connect_to(env, parse_addr(addr));
  if (!c) {
    co_return nullptr;
  }
  RespClient* raw = c.get();
  conns_[addr] = std::move(c);
  co_return raw;
}

void SlotClient::drop(const std::string& addr) {
  if (auto it = conns_.find(addr); it != conns_.end()) {
    it->second->close();
    conns_.erase(it);
  }
}

void SlotClient::close_all() {
  for (auto& [addr, c] : conns_) {
    c->close();
  }
  conns_.clear();
}

rt::Task<Routed> SlotClient::call(rt::Env& env, const std::vector<std::string>& args, uint32_t slot,
                                  rt::Duration timeout) {
  Routed out;
  std::string ask_to;  // set after -ASK: the next hop goes there with ASKING
  for (int hop = 0; hop < kMaxHops; ++hop) {
    std::string addr;
    if (!ask_to.empty()) {
      addr = ask_to;
    } else if (env.random.chance(wrong_server_chance_)) {
      addr = servers_[env.random.uniform(0, servers_.size() - 1)];
    } else {
      auto it = table_.find(slot);
      addr = it == table_.end() ? servers_[0] : it->second;
    }
    const bool asking = !ask_to.empty();
    ask_to.clear();
    RespClient* c = co_await conn(env, addr);
    if (c == nullptr) {
      continue;  // nothing was sent; connect_to already waited a little
    }
    if (asking) {
      c->queue({"ASKING"});
    }
    c->queue(args);
    rt::Result<resp::Value> r = rt::Errc::kTimeout;
    if ((co_await c->flush()).ok()) {
      r = co_await c->read(env, timeout);
      if (asking && r.ok()) {
        if (!(r->kind == resp::Kind::kSimpleString && r->str == "OK")) {
          out.outcome = Routed::Outcome::kReply;  // ASKING refused: report it as the answer
          out.reply = std::move(*r);
          drop(addr);  // the command's own reply is still to come on this connection
          co_return out;
        }
        r = co_await c->read(env, timeout);
      }
    }
    if (!r.ok()) {
      drop(addr);
      out.outcome = Routed::Outcome::kUnknown;
      co_return out;
    }
    if (starts_with(*r, "MOVED ") || starts_with(*r, "ASK ")) {
      ++out.redirects;
      const std::string to = redirect_addr(r->str);
      if (to.empty() || to == "-") {
        co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(1, 10)));
      } else if (r->str[1] == 'S') {
        ask_to = to;
      } else {
        table_[slot] = to;
      }
      continue;
    }
    if (starts_with(*r, "TRYAGAIN ")) {
      ++out.redirects;
      co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(1, 5)));
      continue;
    }
    out.outcome = Routed::Outcome::kReply;
    out.reply = std::move(*r);
    co_return out;
  }
  co_return out;
}

}  // namespace codis::sim
