// The real Disk and File over POSIX calls (open/pwrite/pread/fsync/ftruncate/rename/unlink/readdir).
//
// Every call that can block on the device (all but size() and close()) runs on the loop's BlockingWorker
// thread (worker.h), so a slow fsync or write never stalls the event loop; the awaiting Task resumes on its
// loop with the result. The worker runs one call at a time in the order they were issued, so a read issued
// after a write completed sees it. Writes copy their bytes and reads fill a buffer of their own, copied out
// on resumption: a Task destroyed mid-call leaves nothing dangling, but its call still completes (a
// cancelled write may reach the file). close() drops the File's reference to the descriptor; a call in
// flight keeps it open until that call ends.
//
// Errors map as in rt/asio/errors.h (ENOSPC -> kNoSpace, ENOENT -> kNotFound, EEXIST -> kExists, others ->
// kIoError); any call on a closed File gives kCancelled, as in the simulator.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rt/asio/worker.h"
#include "rt/disk.h"
#include "rt/executor.h"

namespace codis::rt::asio {

// An open descriptor, closed when the last holder (the File, or a call in flight) lets go.
struct Fd {
  explicit Fd(int f) : fd(f) {}
  ~Fd();
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int fd;
};

class PosixFile final : public File {
 public:
  PosixFile(BlockingWorker& w, Executor& ex, int fd) : w_(&w), ex_(&ex), fd_(std::make_shared<Fd>(fd)) {}
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
  BlockingWorker* w_;
  Executor* ex_;
  std::shared_ptr<Fd> fd_;  // null once closed
};

class PosixDisk final : public Disk {
 public:
  PosixDisk(BlockingWorker& w, Executor& ex) : w_(&w), ex_(&ex) {}
  Task<Result<FilePtr>> open(const std::string& path, unsigned flags) override;
  Task<Result<void>> rename(const std::string& from, const std::string& to) override;
  Task<Result<void>> remove(const std::string& path) override;
  Task<Result<std::vector<std::string>>> list(const std::string& dir) override;
  Task<Result<void>> mkdirs(const std::string& dir) override;
  Task<Result<void>> sync_dir(const std::string& dir) override;

 private:
  BlockingWorker* w_;
  Executor* ex_;
};

}  // namespace codis::rt::asio
