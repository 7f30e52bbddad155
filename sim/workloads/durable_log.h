// A small durable append-only log written only through rt::Disk / rt::File: the disk seam's first user, and
// the shape the AOF will take. A record is a frame [u32 length][u32 CRC-32 of length, seq and payload]
// [u64 seq][payload], little endian, frames back to back from offset 0 of <dir>/log.
//
// Durability rules (each one is a fault class of the simulated disk):
// - A record is acknowledged only once a sync that followed its write returned success.
// - A failed write or sync makes the file suspect and is never retried in place: after a failed fsync the
//   kernel has marked the pages clean, so a later sync "succeeds" without writing them. The log rewrites
//   everything it holds into <dir>/log.tmp, syncs it, renames it over the log and syncs the directory;
//   only then are the records acknowledged.
// - Recovery reads frames from the start and keeps the verified prefix: it stops at the first short
//   (torn) frame, the first frame whose CRC or sequence number is wrong, or the first region it cannot
//   read (an I/O error that outlasts a few retries). It then makes exactly that prefix durable in a fresh
//   file, the same way: the page cache a killed process left may hold writes no sync made durable.
//
// Planted bugs (codis-sim --bug, only in the simulator): disk-ack-before-sync acknowledges right after the
// writes; disk-retry-failed-sync syncs again after a failed sync and acknowledges if that succeeds (the
// fsync-gate bug); disk-skip-checksum makes recovery accept frames without checking their CRC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rt/env.h"

namespace codis::sim {

struct LogRecord {
  uint64_t seq = 0;
  std::string payload;
  uint64_t offset = 0;  // of its frame in the log
  uint64_t size = 0;    // of its frame
};

inline constexpr size_t kFrameHeader = 16;
inline constexpr uint32_t kMaxPayload = 1 << 20;  // a longer length field is damage, not a record

std::string encode_frame(uint64_t seq, std::string_view payload);

// Why recovery stopped reading.
enum class RecoveryStop {
  kEnd,         // every byte of the file was a verified frame
  kShortFrame,  // the file ends inside a frame (a torn or lost tail)
  kBadFrame,    // a frame's CRC, length or sequence number is wrong (corruption, or garbage past a tear)
  kUnreadable,  // a read kept failing (a bad region)
};
std::string_view stop_name(RecoveryStop s);

struct Recovery {
  std::vector<LogRecord> records;  // the verified prefix, in order
  uint64_t file_size = 0;
  uint64_t valid_end = 0;  // bytes of verified frames; the rest of the file is trimmed
  RecoveryStop stop = RecoveryStop::kEnd;
  int read_retries = 0;  // reads that failed and were tried again
};

// What a checker learns from the log as it runs (the simulator's omniscient view of one process).
class LogObserver {
 public:
  virtual ~LogObserver() = default;
  // The record is about to be written: from now on it may be in the file.
  virtual void written(const LogRecord&) {}
  // The log claims the record durable.
  virtual void acked(const LogRecord&) {}
  // Recovery read the file (before it rewrites anything): what it kept and why it stopped.
  virtual void recovered(const Recovery&) {}
};

class DurableLog {
 public:
  DurableLog(rt::Env& env, std::string dir, LogObserver* obs = nullptr);

  // Reads the log (if any) and makes its verified prefix durable in a fresh file. An error only when the
  // log cannot be opened; a failed rewrite leaves the log suspect (the next append rewrites first).
  rt::Task<rt::Result<Recovery>> open();
  // Appends one record per payload with the next sequence numbers and makes them durable; ok once every
  // record the log holds is acknowledged. After an error the records stay held and the next call retries.
  rt::Task<rt::Result<void>> append(std::vector<std::string> payloads);

  const std::vector<LogRecord>& records() const { return records_; }
  uint64_t next_seq() const { return next_seq_; }
  bool suspect() const { return suspect_; }
  std::string path() const { return dir_ + "/log"; }

 private:
  rt::Task<Recovery> scan(rt::File& f);
  // Everything held, into a fresh file renamed over the log; clears suspect_ on success.
  rt::Task<rt::Result<void>> rewrite();
  void ack_held();

  rt::Env* env_;
  std::string dir_;
  LogObserver* obs_;
  LogObserver quiet_;
  rt::FilePtr file_;
  std::vector<LogRecord> records_;  // every record of the log, as the file should hold them
  size_t acked_ = 0;                // records_[0, acked_) are acknowledged (or were recovered)
  uint64_t end_ = 0;                // where the next frame goes
  uint64_t next_seq_ = 1;
  bool suspect_ = true;  // until open() made the file durable
};

}  // namespace codis::sim
