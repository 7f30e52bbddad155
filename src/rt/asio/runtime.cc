#include "rt/asio/runtime.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <thread>

#include <boost/asio/signal_set.hpp>

#include "rt/asio/loop.h"
#include "rt/scope.h"

namespace codis::rt::asio {

struct AsioRuntime::Impl {
  explicit Impl(const Options& o) : sink(o.log_file) {}

  // Runs every loop until loop 0's io_context stops (stop(), or run_task's task finishing), then stops and
  // joins the others.
  void run_loops();
  void stop();
  void arm_signals();

  uint64_t seed = 0;
  LogSink sink;
  std::vector<std::unique_ptr<Loop>> loops;
  // Set by stop() before it stops the io_contexts; run_loops() checks it after restarting them, so a stop()
  // racing with the start of a run is never lost.
  std::atomic<bool> stop_requested{false};
  std::unique_ptr<boost::asio::signal_set> signals;  // declared after loops: destroyed before them
  std::map<int, Callback> handlers;                  // signals that run a callback instead of stopping
};

void AsioRuntime::Impl::run_loops() {
  for (auto& l : loops) {
    l->io.restart();
  }
  if (!stop_requested.load()) {
    std::vector<std::thread> threads;
    threads.reserve(loops.size() - 1);
    for (size_t i = 1; i < loops.size(); ++i) {
      threads.emplace_back([l = loops[i].get()] { l->run(); });
    }
    loops[0]->run();
    for (size_t i = 1; i < loops.size(); ++i) {
      loops[i]->io.stop();
    }
    for (auto& t : threads) {
      t.join();
    }
  }
  stop_requested.store(false);  // this stop() has ended this run
}

void AsioRuntime::Impl::stop() {
  stop_requested.store(true);
  for (auto& l : loops) {
    l->io.stop();
  }
}

void AsioRuntime::Impl::arm_signals() {
  signals->async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) {
      return;  // the signal_set is being destroyed
    }
    if (auto h = handlers.find(sig); h != handlers.end()) {
      loops[0]->log.notice("received signal " + std::to_string(sig));
      h->second();
    } else {
      loops[0]->log.notice("received signal " + std::to_string(sig) + ", stopping");
      stop();
    }
    arm_signals();  // stay armed for the next run
  });
}

AsioRuntime::AsioRuntime(Options o) : impl_(std::make_unique<Impl>(o)) {
  if (o.loops == 0) {
    o.loops = 1;
  }
  impl_->seed = o.seed;
  if (impl_->seed == 0) {
    std::random_device rd;
    impl_->seed = (uint64_t{rd()} << 32) ^ rd();
  }
  Random master(impl_->seed);
  for (size_t i = 0; i < o.loops; ++i) {
    // Loop 0 uses the seed itself, so a one-loop run replays from the logged seed alone.
    impl_->loops.push_back(std::make_unique<Loop>(i, i == 0 ? master : master.fork(uint64_t{i}), impl_->sink,
                                                  o.log_level, o.idle));
    impl_->loops.back()->exec.set_reactor_reads(o.reactor_reads);
  }
  impl_->loops[0]->log.notice("random seed " + std::to_string(impl_->seed) + ", " + std::to_string(o.loops) +
                              (o.loops == 1 ? " event loop" : " event loops"));
}

AsioRuntime::~AsioRuntime() = default;

size_t AsioRuntime::loops() const {
  return impl_->loops.size();
}

uint64_t AsioRuntime::seed() const {
  return impl_->seed;
}

Env& AsioRuntime::env(size_t loop) {
  return impl_->loops.at(loop)->env;
}

void AsioRuntime::run() {
  impl_->run_loops();
}

void AsioRuntime::stop() {
  impl_->stop();
}

std::vector<int> AsioRuntime::default_signals() {
  return {SIGINT, SIGTERM};
}

void AsioRuntime::stop_on_signals(std::vector<int> sigs) {
  if (!impl_->signals) {
    impl_->signals = std::make_unique<boost::asio::signal_set>(impl_->loops[0]->io);
    impl_->arm_signals();
  }
  for (int s : sigs) {
    boost::system::error_code ec;
    impl_->signals->add(s, ec);  // adding one twice is harmless
  }
}

void AsioRuntime::on_signal(int sig, Callback fn) {
  if (!impl_->signals) {
    impl_->signals = std::make_unique<boost::asio::signal_set>(impl_->loops[0]->io);
    impl_->arm_signals();
  }
  boost::system::error_code ec;
  impl_->signals->add(sig, ec);
  impl_->handlers[sig] = std::move(fn);
}

void AsioRuntime::post(size_t loop, Callback fn) {
  impl_->loops.at(loop)->exec.post(std::move(fn));
}

void AsioRuntime::set_idle(bool adaptive, IdlePolicy::Mode fixed) {
  for (auto& l : impl_->loops) {
    Loop* loop = l.get();
    loop->exec.post([loop, adaptive, fixed] { loop->idle.reconfigure(adaptive, fixed); });
  }
}

namespace {
Task<void> run_and_stop(Task<void> t, bool* done, boost::asio::io_context* io) {
  co_await std::move(t);
  *done = true;
  io->stop();  // ends run_loops() without marking a user stop()
}
}  // namespace

bool AsioRuntime::run_task(Task<void> t) {
  Loop& l0 = *impl_->loops[0];
  bool done = false;
  {
    Scope scope(l0.exec);
    scope.spawn(run_and_stop(std::move(t), &done, &l0.io));
    impl_->run_loops();
  }  // if stop() came first, destroying the scope cancels the task here, on loop 0's thread
  return done;
}

void AsioRuntime::block_on_interrupted() {
  std::fputs("AsioRuntime::block_on: stopped before the task finished\n", stderr);
  std::abort();
}

}  // namespace codis::rt::asio
