// The simulator under the contract tests: one simulated host with a quiet network (no faults), a process
// that test bodies run in, and a directory on the host's simulated disk. Time is virtual, so a body that
// waits forever shows up as a deadlock at once instead of a timeout.
#include <memory>
#include <string>

#include "sim/world.h"
#include "tests/rt/runtime_fixture.h"

namespace codis::rt::test {
namespace {

class SimFixture final : public RuntimeFixture {
 public:
  SimFixture() : w_(options()), host_(&w_.add_host("simhost")) {
    proc_ = &w_.add_process(*host_, "test", [](Env&) -> Task<void> { co_return; });
    proc_->start();
    w_.run_until(w_.now() + milliseconds(1));
  }

  void run_for(Body body, Duration limit) override {
    auto done = std::make_shared<bool>(false);
    auto fn = std::make_shared<Body>(std::move(body));
    proc_->spawn([](std::shared_ptr<Body> fn, std::shared_ptr<bool> done, Env& env) -> Task<void> {
      co_await (*fn)(env);
      *done = true;
    }(fn, done, proc_->env()));
    bool finished = w_.run_until([done] { return *done; }, w_.now() + limit);
    if (!finished) {
      if (w_.sched().empty()) {
        ADD_FAILURE() << "deadlock: the test body waits but nothing is left to run";
      } else {
        ADD_FAILURE() << "test body did not finish within " << to_ms(limit) << " ms of virtual time";
      }
    }
    // Let whatever the body left behind run on: nothing cancelled may resume.
    w_.run_until(w_.now() + seconds(1));
  }
  Env& env() override { return proc_->env(); }
  std::string host() override { return "simhost"; }
  std::string temp_dir() override {
    std::string dir = "/tmp/contract";
    host_->disk->add_dirs(dir);
    return dir;
  }

 private:
  static sim::WorldOptions options() {
    sim::WorldOptions o;
    o.seed = 1;
    o.net.max_segment = 1500;  // still segmented, so reads see partial data
    // A fixed latency and no tail, so a test can time an event to land with a delivery (see
    // WhenAnyNeverDropsBytesOfAReadRacedAgainstAnEvent).
    o.net.latency_min = o.net.latency_max = microseconds(100);
    o.net.tail_chance = 0;
    return o;
  }

  sim::World w_;
  sim::Host* host_;
  sim::Process* proc_;
};

}  // namespace

CODIS_REGISTER_RUNTIME(sim, [] { return std::unique_ptr<RuntimeFixture>(std::make_unique<SimFixture>()); });

}  // namespace codis::rt::test
