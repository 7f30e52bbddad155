// Log: where product code writes diagnostics. The real runtime writes stderr or a file with wall time; the
// simulator stamps virtual time and the process name and keeps quiet unless tracing.
#pragma once

#include <string>
#include <string_view>

namespace codis::rt {

enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3 };

class Log {
 public:
  virtual ~Log() = default;
  virtual void write(LogLevel level, std::string_view msg) = 0;
  virtual bool enabled(LogLevel level) const = 0;

  void debug(std::string_view m) { emit(LogLevel::kDebug, m); }
  void verbose(std::string_view m) { emit(LogLevel::kVerbose, m); }
  void notice(std::string_view m) { emit(LogLevel::kNotice, m); }
  void warning(std::string_view m) { emit(LogLevel::kWarning, m); }

 private:
  void emit(LogLevel l, std::string_view m) {
    if (enabled(l)) {
      write(l, m);
    }
  }
};

// Discards everything; for tests and tools that do not care.
class NullLog final : public Log {
 public:
  void write(LogLevel, std::string_view) override {}
  bool enabled(LogLevel) const override { return false; }
};

}  // namespace codis::rt
