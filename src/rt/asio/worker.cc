#include "rt/asio/worker.h"

#include <sys/prctl.h>

namespace codis::rt::asio {

BlockingWorker::~BlockingWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void BlockingWorker::submit(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(std::move(job));
    if (!thread_.joinable()) {
      thread_ = std::thread([this] { run(); });
    }
  }
  cv_.notify_one();
}

void BlockingWorker::run() {
  ::prctl(PR_SET_NAME, "codis-io", 0, 0, 0);
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) {
      return;  // stopping, and everything queued has run
    }
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    job = nullptr;  // release what it captured outside the lock
    lock.lock();
  }
}

}  // namespace codis::rt::asio
