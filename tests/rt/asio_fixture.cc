// The real runtime under the contract tests: a fresh one-loop AsioRuntime per test, loopback sockets, and a
// temporary directory under /tmp. Registered twice: as it runs by default (idle mode chosen by measurement,
// which under these light tests is blocking in epoll), always napping between polls (idle_policy.h), so
// that every contract also holds for a loop that is never woken by the kernel, and with streams reading
// through Asio's public async_receive instead of the reactor op (rt/asio/stream.h).
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "rt/asio/runtime.h"
#include "rt/combinators.h"
#include "tests/rt/runtime_fixture.h"

namespace codis::rt::test {
namespace {

class AsioFixture final : public RuntimeFixture {
 public:
  AsioFixture(bool nap, bool reactor_reads) : rt_(options(nap, reactor_reads)) {}
  ~AsioFixture() override {
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  void run_for(Body body, Duration limit) override {
    Env& e = rt_.env();
    // with_timeout cancels a body that hangs; a real loop cannot tell a deadlock from slowness.
    Result<void> r = rt_.block_on(with_timeout(e.exec, limit, body(e)));
    if (!r.ok()) {
      ADD_FAILURE() << "test body did not finish within " << to_ms(limit) << " ms";
    }
  }
  Env& env() override { return rt_.env(); }
  std::string host() override { return "127.0.0.1"; }
  std::string temp_dir() override {
    if (dir_.empty()) {
      char tmpl[] = "/tmp/codis-rt-test-XXXXXX";
      if (::mkdtemp(tmpl) != nullptr) {
        dir_ = tmpl;
      } else {
        ADD_FAILURE() << "mkdtemp failed";
      }
    }
    return dir_;
  }

 private:
  static asio::AsioOptions options(bool nap, bool reactor_reads) {
    asio::AsioOptions o;
    o.reactor_reads = reactor_reads;
    if (nap) {
      o.idle.adaptive = false;
      o.idle.fixed = asio::IdlePolicy::Mode::kNap;
    }
    o.seed = 1;
    o.log_level = LogLevel::kWarning;
    return o;
  }

  asio::AsioRuntime rt_;
  std::string dir_;
};

}  // namespace

CODIS_REGISTER_RUNTIME(asio, [] {
  return std::unique_ptr<RuntimeFixture>(std::make_unique<AsioFixture>(false, true));
});
CODIS_REGISTER_RUNTIME(asio_nap, [] {
  return std::unique_ptr<RuntimeFixture>(std::make_unique<AsioFixture>(true, true));
});
// Asio's public read path, which a build whose Boost lacks the reactor internals uses alone.
CODIS_REGISTER_RUNTIME(asio_public, [] {
  return std::unique_ptr<RuntimeFixture>(std::make_unique<AsioFixture>(false, false));
});

}  // namespace codis::rt::test
