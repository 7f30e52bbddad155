#include "rt/asio/log.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

namespace codis::rt::asio {

LogSink::LogSink(const std::string& path) : pid_(static_cast<int>(::getpid())) {
  if (path.empty()) {
    return;
  }
  if (std::FILE* f = std::fopen(path.c_str(), "a")) {
    f_ = f;
    own_ = true;
    return;
  }
  std::string msg = "cannot open log file " + path + ": " + std::strerror(errno) + "; logging to stderr";
  write(0, LogLevel::kWarning, msg);
}

LogSink::~LogSink() {
  if (own_) {
    std::fclose(f_);
  }
}

void LogSink::write(size_t loop, LogLevel level, std::string_view msg) {
  // Same level marks as Redis: '.' debug, '-' verbose, '*' notice, '#' warning.
  static constexpr char kMarks[] = {'.', '-', '*', '#'};
  auto now = std::chrono::system_clock::now();
  std::time_t secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::localtime_r(&secs, &tm);
  char stamp[64];
  size_t n = std::strftime(stamp, sizeof stamp, "%d %b %Y %H:%M:%S", &tm);
  char head[128];
  int h = std::snprintf(head, sizeof head, "%d:L%zu %.*s.%03d %c ", pid_, loop, static_cast<int>(n), stamp,
                        static_cast<int>(ms), kMarks[static_cast<int>(level) & 3]);
  std::string line;
  line.reserve(static_cast<size_t>(h) + msg.size() + 1);
  line.append(head, static_cast<size_t>(h));
  line.append(msg);
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(line.data(), 1, line.size(), f_);
  std::fflush(f_);
}

}  // namespace codis::rt::asio
