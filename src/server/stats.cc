#include "server/stats.h"

namespace codis::server {

// Redis's afterErrorReply: the code is the first word when a space comes within 32 bytes, else "ERR".
void Stats::count_error(std::string_view message) {
  ++error_replies;
  if (!message.empty() && message.front() == '-') {
    message.remove_prefix(1);
  }
  std::string_view code = "ERR";
  const size_t space = message.substr(0, 31).find(' ');
  if (space != std::string_view::npos) {
    code = message.substr(0, space);
  }
  auto it = errors.find(code);
  if (it != errors.end()) {
    ++it->second;
  } else if (errors.size() < kMaxErrorCodes) {
    errors.emplace(std::string(code), 1);
  }
}

void InstantMetric::sample(int64_t now_ms, uint64_t reading) {
  if (last_ms_ >= 0) {
    const int64_t t = now_ms - last_ms_;
    const auto n = static_cast<int64_t>(reading - last_reading_);
    samples_[next_] = t > 0 ? n * 1000 / t : 0;
    next_ = (next_ + 1) % samples_.size();
  }
  last_ms_ = now_ms;
  last_reading_ = reading;
}

int64_t InstantMetric::per_second() const {
  int64_t sum = 0;
  for (int64_t v : samples_) {
    sum += v;
  }
  return sum / static_cast<int64_t>(samples_.size());
}

void Stats::reset() {
  const uint64_t keep_dirty = dirty;
  auto keep_commands = std::move(commands);
  *this = Stats{};
  dirty = keep_dirty;
  commands = std::move(keep_commands);
  for (auto& [name, cs] : commands) {
    cs.calls = cs.usec = cs.rejected = cs.failed = 0;
    cs.latency.reset();
  }
}

}  // namespace codis::server
