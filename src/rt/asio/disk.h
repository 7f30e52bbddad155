// The real Disk and File over POSIX calls (open/pwrite/pread/fsync/ftruncate/rename/unlink/readdir).
//
// The calls block the loop thread: acceptable for now because files hold only AOF/RDB and config, written in
// batches. A thread-pool implementation can come later behind the same interface; the Tasks returned here
// simply never suspend. Errors map as in rt/asio/errors.h (ENOSPC -> kNoSpace, ENOENT -> kNotFound,
// EEXIST -> kExists, others -> kIoError); any call on a closed File gives kCancelled, as in the simulator.
#pragma once

#include <string>
#include <vector>

#include "rt/disk.h"

namespace codis::rt::asio {

class PosixFile final : public File {
 public:
  explicit PosixFile(int fd) : fd_(fd) {}
  ~PosixFile() override { close(); }
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  Task<Result<void>> write_at(uint64_t offset, std::span<const char> data) override;
  Task<Result<size_t>> read_at(uint64_t offset, std::span<char> buf) override;
  Task<Result<void>> sync() override;
  Task<Result<void>> truncate(uint64_t size) override;
  Result<uint64_t> size() const override;
  void close() override;

 private:
  int fd_;
};

class PosixDisk final : public Disk {
 public:
  Task<Result<FilePtr>> open(const std::string& path, unsigned flags) override;
  Task<Result<void>> rename(const std::string& from, const std::string& to) override;
  Task<Result<void>> remove(const std::string& path) override;
  Task<Result<std::vector<std::string>>> list(const std::string& dir) override;
  Task<Result<void>> mkdirs(const std::string& dir) override;
  Task<Result<void>> sync_dir(const std::string& dir) override;
};

}  // namespace codis::rt::asio
