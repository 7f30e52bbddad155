#include "tests/server/redirect_writer.h"

#include <chrono>

#include "tests/server/redis_client.h"

namespace codis::server::testing {

RedirectWriter::RedirectWriter(int first_port, std::vector<std::string> keys)
    : first_port_(first_port), keys_(std::move(keys)), thread_([this] { run(); }) {}

void RedirectWriter::stop(int64_t min_writes) {
  min_writes_ = min_writes;
  stop_ = true;
  if (thread_.joinable()) {
    thread_.join();
  }
}

void RedirectWriter::run() {
  std::map<int, Conn> conns;
  auto conn = [&](int port) -> redisContext* {
    auto& c = conns[port];
    if (!c) {
      c = connect(port);
    }
    return c.get();
  };
  for (int64_t i = 0; !stop_ || i < min_writes_; ++i) {
    const std::string& k = keys_[static_cast<size_t>(i) % keys_.size()];
    int port = first_port_;
    bool asking = false;
    for (int hop = 0;; ++hop) {
      if (hop > 5000) {
        error_ = "no answer for " + k;
        return;
      }
      if (asking) {
        call(conn(port), {"ASKING"});
      }
      const std::string r = call(conn(port), {"INCR", k});
      if (r[0] == ':') {
        acked_[k] = std::stoll(r.substr(1));
        break;
      }
      asking = false;
      if (r.rfind("-ASK ", 0) == 0 || r.rfind("-MOVED ", 0) == 0) {
        ++redirects_;
        const std::string addr = r.substr(r.find(' ', r.find(' ') + 1) + 1);
        port = std::stoi(addr.substr(addr.find(':') + 1, addr.find(' ') - addr.find(':') - 1));
        asking = r[1] == 'A';
      } else if (r.rfind("-TRYAGAIN ", 0) == 0) {
        ++retries_;
        port = first_port_;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      } else {
        error_ = k + ": " + r;
        return;
      }
    }
  }
}

}  // namespace codis::server::testing
