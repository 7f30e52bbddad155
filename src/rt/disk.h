// Disk and File: the persistence seam. Writes are durable only after sync(); the simulator drops or tears
// unsynced writes when a process crashes. Paths are plain strings with '/' separators.
//
// Calls may suspend (the real runtime runs them on a helper thread so the loop never waits for the device).
// A call started after another one completed sees its effect (a read sees the write before it). A call whose
// Task is destroyed before it completes may or may not take effect, and the runtime keeps no reference to
// the caller's buffers after that.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "rt/result.h"
#include "rt/task.h"

namespace codis::rt {

enum OpenFlags : unsigned {
  kOpenRead = 0,       // open an existing file (kNotFound if missing)
  kOpenCreate = 1,     // create if missing
  kOpenTruncate = 2,   // drop existing content
  kOpenExclusive = 4,  // with kOpenCreate: kExists if it exists
};

class File {
 public:
  virtual ~File() = default;
  virtual Task<Result<void>> write_at(uint64_t offset, std::span<const char> data) = 0;
  // Reads up to buf.size() bytes; fewer (maybe 0) at end of file.
  virtual Task<Result<size_t>> read_at(uint64_t offset, std::span<char> buf) = 0;
  // Makes every write so far durable.
  virtual Task<Result<void>> sync() = 0;
  virtual Task<Result<void>> truncate(uint64_t size) = 0;
  virtual Result<uint64_t> size() const = 0;
  virtual void close() = 0;
};
using FilePtr = std::unique_ptr<File>;

class Disk {
 public:
  virtual ~Disk() = default;
  virtual Task<Result<FilePtr>> open(const std::string& path, unsigned flags) = 0;
  // Atomically replaces `to` with `from` (durable once the directory is synced by sync_dir, or at once in
  // runtimes whose renames are durable; the simulator models the former).
  virtual Task<Result<void>> rename(const std::string& from, const std::string& to) = 0;
  virtual Task<Result<void>> remove(const std::string& path) = 0;
  // Names (not paths) of the entries in dir, sorted.
  virtual Task<Result<std::vector<std::string>>> list(const std::string& dir) = 0;
  virtual Task<Result<void>> mkdirs(const std::string& dir) = 0;
  // Makes renames, creations and removals in dir durable.
  virtual Task<Result<void>> sync_dir(const std::string& dir) = 0;
};

}  // namespace codis::rt
