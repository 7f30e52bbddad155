#include "sim/workloads/durable_log.h"

#include <algorithm>
#include <utility>

#include "cmd/slot.h"

namespace codis::sim {

using rt::Errc;
using rt::Result;
using rt::Task;

namespace {

constexpr int kReadAttempts = 5;  // a transient read error rarely repeats; a bad region always does
constexpr size_t kChunk = 64 * 1024;

void put_le(std::string& s, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
}

uint64_t get_le(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  }
  return v;
}

uint32_t frame_crc(uint32_t len, uint64_t seq, std::string_view payload) {
  std::string covered;
  put_le(covered, len, 4);
  put_le(covered, seq, 8);
  covered.append(payload);
  return cmd::crc32_ieee(covered);
}

// Reads byte ranges of one file for recovery: through a chunk cache while the file reads cleanly, retrying
// transient errors; after a chunk keeps failing, only the exact ranges asked for, so a bad region stops
// recovery at the first frame that touches it rather than at the chunk around it.
class Reader {
 public:
  Reader(rt::File& f, int& retries) : f_(&f), retries_(&retries) {}

  // [off, off + n), fewer bytes at end of file; kIoError when the read keeps failing.
  Task<Result<std::string>> read(uint64_t off, size_t n) {
    if (off >= base_ && off + n <= base_ + buf_.size()) {
      co_return buf_.substr(off - base_, n);
    }
    if (!exact_) {
      if ((co_await fill(off, std::max(n, kChunk))).ok()) {
        co_return buf_.substr(0, std::min(n, buf_.size()));
      }
      exact_ = true;
    }
    if (auto r = co_await fill(off, n); !r.ok()) {
      co_return r.error();
    }
    co_return buf_;
  }

 private:
  Task<Result<void>> fill(uint64_t off, size_t n) {
    std::string b(n, '\0');
    for (int attempt = 1;; ++attempt) {
      auto got = co_await f_->read_at(off, std::span<char>(b.data(), b.size()));
      if (got.ok()) {
        b.resize(*got);
        base_ = off;
        buf_ = std::move(b);
        co_return rt::ok();
      }
      if (got.error() != Errc::kIoError || attempt == kReadAttempts) {
        co_return got.error();
      }
      ++*retries_;
    }
  }

  rt::File* f_;
  int* retries_;
  uint64_t base_ = 0;
  std::string buf_;
  bool exact_ = false;
};

}  // namespace

std::string encode_frame(uint64_t seq, std::string_view payload) {
  const auto len = static_cast<uint32_t>(payload.size());
  std::string f;
  f.reserve(kFrameHeader + payload.size());
  put_le(f, len, 4);
  put_le(f, frame_crc(len, seq, payload), 4);
  put_le(f, seq, 8);
  f.append(payload);
  return f;
}

std::string_view stop_name(RecoveryStop s) {
  switch (s) {
    case RecoveryStop::kEnd:
      return "end of file";
    case RecoveryStop::kShortFrame:
      return "short frame";
    case RecoveryStop::kBadFrame:
      return "bad frame";
    case RecoveryStop::kUnreadable:
      return "unreadable region";
  }
  return "?";
}

DurableLog::DurableLog(rt::Env& env, std::string dir, LogObserver* obs)
    : env_(&env), dir_(std::move(dir)), obs_(obs ? obs : &quiet_) {}

Task<Recovery> DurableLog::scan(rt::File& f) {
  Recovery rec;
  rec.file_size = f.size().value_or(0);
  Reader rd(f, rec.read_retries);
  const bool check_crc = !env_->exec.planted("disk-skip-checksum");
  uint64_t pos = 0, last_seq = 0;
  for (;;) {
    if (pos >= rec.file_size) {
      rec.stop = RecoveryStop::kEnd;
      break;
    }
    auto head = co_await rd.read(pos, kFrameHeader);
    if (!head.ok() || head->size() < kFrameHeader) {
      rec.stop = head.ok() ? RecoveryStop::kShortFrame : RecoveryStop::kUnreadable;
      break;
    }
    const auto len = static_cast<uint32_t>(get_le(head->data(), 4));
    const auto crc = static_cast<uint32_t>(get_le(head->data() + 4, 4));
    const uint64_t seq = get_le(head->data() + 8, 8);
    if (len > kMaxPayload || seq <= last_seq) {
      rec.stop = RecoveryStop::kBadFrame;  // sequence numbers only grow: an older frame is garbage here
      break;
    }
    auto payload = co_await rd.read(pos + kFrameHeader, len);
    if (!payload.ok() || payload->size() < len) {
      rec.stop = payload.ok() ? RecoveryStop::kShortFrame : RecoveryStop::kUnreadable;
      break;
    }
    if (check_crc && frame_crc(len, seq, *payload) != crc) {
      rec.stop = RecoveryStop::kBadFrame;
      break;
    }
    rec.records.push_back(LogRecord{seq, std::move(*payload), pos, kFrameHeader + len});
    pos += kFrameHeader + len;
    last_seq = seq;
  }
  rec.valid_end = pos;
  co_return rec;
}

Task<Result<Recovery>> DurableLog::open() {
  if (auto m = co_await env_->disk.mkdirs(dir_); !m.ok()) {
    co_return m.error();
  }
  Recovery rec;
  auto f = co_await env_->disk.open(path(), rt::kOpenRead);
  if (f.ok()) {
    rec = co_await scan(**f);
    (*f)->close();
  } else if (f.error() != Errc::kNotFound) {
    co_return f.error();
  }
  obs_->recovered(rec);
  if (env_->log.enabled(rt::LogLevel::kNotice)) {
    env_->log.notice("log: recovered " + std::to_string(rec.records.size()) + " records, stopped at " +
                     std::string(stop_name(rec.stop)) + ", trimmed " +
                     std::to_string(rec.file_size - rec.valid_end) + " of " + std::to_string(rec.file_size) +
                     " bytes, " + std::to_string(rec.read_retries) + " reads retried");
  }
  records_ = rec.records;
  acked_ = records_.size();
  end_ = rec.valid_end;
  next_seq_ = records_.empty() ? 1 : records_.back().seq + 1;
  suspect_ = true;
  if (auto r = co_await rewrite(); !r.ok()) {
    env_->log.warning("log: rewrite after recovery failed: " + std::string(rt::errc_name(r.error())));
  }
  co_return rec;  // suspect until a rewrite succeeds: the first append retries it
}

Task<Result<void>> DurableLog::append(std::vector<std::string> payloads) {
  const size_t first = records_.size();
  for (auto& p : payloads) {
    LogRecord r{next_seq_++, std::move(p), end_, 0};
    r.size = kFrameHeader + r.payload.size();
    end_ += r.size;
    obs_->written(r);
    records_.push_back(std::move(r));
  }
  bool failed = suspect_;
  for (size_t i = first; i < records_.size() && !failed; ++i) {
    const LogRecord& r = records_[i];
    failed = !(co_await file_->write_at(r.offset, encode_frame(r.seq, r.payload))).ok();
  }
  if (!failed) {
    if (env_->exec.planted("disk-ack-before-sync")) {
      ack_held();
    }
    auto s = co_await file_->sync();
    if (!s.ok() && env_->exec.planted("disk-retry-failed-sync")) {
      s = co_await file_->sync();  // "succeeds": the failed sync marked the pages clean without writing them
    }
    if (s.ok()) {
      ack_held();
      co_return rt::ok();
    }
  }
  // The pages a failed write or sync left are not known to be durable, and syncing again cannot make
  // them so: write everything held to a fresh file instead.
  if (!suspect_) {
    env_->log.warning("log: a write or sync failed; rewriting the log to a fresh file");
  }
  suspect_ = true;
  if (auto r = co_await rewrite(); !r.ok()) {
    env_->log.warning("log: rewrite failed: " + std::string(rt::errc_name(r.error())));
    co_return r;
  }
  ack_held();
  co_return rt::ok();
}

Task<Result<void>> DurableLog::rewrite() {
  const std::string tmp = dir_ + "/log.tmp";
  auto f = co_await env_->disk.open(tmp, rt::kOpenCreate | rt::kOpenTruncate);
  if (!f.ok()) {
    co_return f.error();
  }
  std::string all;
  for (const LogRecord& r : records_) {
    all += encode_frame(r.seq, r.payload);  // frames are back to back, so each lands at its own offset
  }
  if (auto w = co_await (*f)->write_at(0, all); !w.ok()) {
    co_return w;
  }
  if (auto s = co_await (*f)->sync(); !s.ok()) {
    co_return s;
  }
  if (auto r = co_await env_->disk.rename(tmp, path()); !r.ok()) {
    co_return r;
  }
  if (auto d = co_await env_->disk.sync_dir(dir_); !d.ok()) {
    co_return d;
  }
  if (file_) {
    file_->close();
  }
  file_ = std::move(*f);
  end_ = all.size();
  suspect_ = false;
  co_return rt::ok();
}

void DurableLog::ack_held() {
  for (; acked_ < records_.size(); ++acked_) {
    obs_->acked(records_[acked_]);
  }
}

}  // namespace codis::sim
