// The real runtime's Log: Redis-style lines ("pid:L<loop> 25 Nov 2026 14:03:15.123 * message") on stderr or
// appended to a file. One LogSink is shared by every loop (a mutex keeps lines whole); each loop has its own
// LoopLog so lines say which loop wrote them.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "rt/log.h"

namespace codis::rt::asio {

class LogSink {
 public:
  // Empty path: stderr. A file that cannot be opened falls back to stderr (and says so).
  explicit LogSink(const std::string& path);
  ~LogSink();
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  // Thread-safe.
  void write(size_t loop, LogLevel level, std::string_view msg);

 private:
  std::mutex mu_;
  std::FILE* f_ = stderr;
  bool own_ = false;
  int pid_;
};

class LoopLog final : public Log {
 public:
  LoopLog(LogSink& sink, size_t loop, LogLevel min) : sink_(&sink), loop_(loop), min_(min) {}
  void write(LogLevel level, std::string_view msg) override { sink_->write(loop_, level, msg); }
  bool enabled(LogLevel level) const override { return level >= min_; }

 private:
  LogSink* sink_;
  size_t loop_;
  LogLevel min_;
};

}  // namespace codis::rt::asio
