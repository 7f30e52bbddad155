#include "rt/asio/disk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "rt/asio/errors.h"

namespace codis::rt::asio {

namespace {

// The synchronous bodies, run on the loop's BlockingWorker; the Task wrappers below hand them over.
Result<void> pwrite_all(int fd, uint64_t offset, std::span<const char> data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno_errc(errno);
    }
    done += static_cast<size_t>(n);
  }
  return ok();
}

Result<size_t> pread_full(int fd, uint64_t offset, std::span<char> buf) {
  size_t done = 0;
  while (done < buf.size()) {
    ssize_t n = ::pread(fd, buf.data() + done, buf.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno_errc(errno);
    }
    if (n == 0) {
      break;  // end of file
    }
    done += static_cast<size_t>(n);
  }
  return done;
}

Result<void> errno_result(int rc) {
  if (rc < 0) {
    return errno_errc(errno);
  }
  return ok();
}

Result<void> fsync_path(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return errno_errc(errno);
  }
  Result<void> r = errno_result(::fsync(fd));
  ::close(fd);
  return r;
}

Result<void> make_dirs(const std::string& dir) {
  if (dir.empty()) {
    return Errc::kInvalidArgument;
  }
  // Create each prefix in turn; existing directories along the way are fine.
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    std::string prefix = dir.substr(0, pos);
    if (prefix.empty() || ::mkdir(prefix.c_str(), 0755) == 0) {
      continue;
    }
    if (errno != EEXIST) {
      return errno_errc(errno);
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) < 0) {
    return errno_errc(errno);
  }
  return S_ISDIR(st.st_mode) ? ok() : Result<void>(Errc::kExists);
}

Result<std::vector<std::string>> list_dir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    return errno_errc(errno);
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
      names.emplace_back(e->d_name);
    }
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());  // readdir order is the filesystem's, not ours
  return names;
}

}  // namespace

Fd::~Fd() {
  if (fd >= 0) {
    ::close(fd);
  }
}

// The awaiters are named, never temporaries of the co_await expression: g++ 12 destroys such a temporary's
// captures twice (see Endpoint in rt/net.h).
// Each call copies what its job needs (descriptor reference, bytes, paths) before it first suspends; the job
// never touches the caller's memory or the File.
Task<Result<void>> PosixFile::write_at(uint64_t offset, std::span<const char> data) {
  if (!fd_) {
    co_return Errc::kCancelled;
  }
  auto op = offload(*w_, *ex_, [fd = fd_, offset, bytes = std::string(data.data(), data.size())] {
    return pwrite_all(fd->fd, offset, bytes);
  });
  co_return co_await op;
}

Task<Result<size_t>> PosixFile::read_at(uint64_t offset, std::span<char> buf) {
  if (!fd_) {
    co_return Errc::kCancelled;
  }
  // The job reads into its own buffer; the bytes reach buf only here, on the loop, if the caller still waits.
  auto op = offload(*w_, *ex_, [fd = fd_, offset, n = buf.size()]() -> Result<std::string> {
    std::string tmp(n, '\0');
    Result<size_t> r = pread_full(fd->fd, offset, std::span<char>(tmp.data(), tmp.size()));
    if (!r.ok()) {
      return r.error();
    }
    tmp.resize(*r);
    return tmp;
  });
  Result<std::string> got = co_await op;
  if (!got.ok()) {
    co_return got.error();
  }
  std::copy(got->begin(), got->end(), buf.begin());
  co_return got->size();
}

Task<Result<void>> PosixFile::sync() {
  if (!fd_) {
    co_return Errc::kCancelled;
  }
  auto op = offload(*w_, *ex_, [fd = fd_] { return errno_result(::fsync(fd->fd)); });
  co_return co_await op;
}

Task<Result<void>> PosixFile::truncate(uint64_t size) {
  if (!fd_) {
    co_return Errc::kCancelled;
  }
  auto op = offload(*w_, *ex_,
                    [fd = fd_, size] { return errno_result(::ftruncate(fd->fd, static_cast<off_t>(size))); });
  co_return co_await op;
}

Result<uint64_t> PosixFile::size() const {
  if (!fd_) {
    return Errc::kCancelled;
  }
  struct stat st {};
  if (::fstat(fd_->fd, &st) < 0) {
    return errno_errc(errno);
  }
  return static_cast<uint64_t>(st.st_size);
}

void PosixFile::close() {
  fd_.reset();
}

namespace {

Result<int> open_fd(const std::string& path, unsigned flags) {
  int oflags = O_RDWR | O_CLOEXEC;
  if (flags & kOpenCreate) {
    oflags |= O_CREAT;
    if (flags & kOpenExclusive) {
      oflags |= O_EXCL;
    }
  }
  if (flags & kOpenTruncate) {
    oflags |= O_TRUNC;
  }
  int fd = ::open(path.c_str(), oflags, 0644);
  if (fd < 0 && (errno == EACCES || errno == EROFS) && flags == kOpenRead) {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // a read-only file can still be read
  }
  if (fd < 0) {
    return errno_errc(errno);
  }
  return fd;
}

// Lazy like every Task, so the bodies take their paths by value: the caller's strings may be gone by the time
// the Task is awaited.
Task<Result<FilePtr>> open_file(BlockingWorker* w, Executor* ex, std::string path, unsigned flags) {
  // The job returns the bare descriptor wrapped in an Fd, so a cancelled open still closes it.
  auto op = offload(*w, *ex, [path = std::move(path), flags]() -> Result<std::shared_ptr<Fd>> {
    Result<int> r = open_fd(path, flags);
    if (!r.ok()) {
      return r.error();
    }
    return std::make_shared<Fd>(*r);
  });
  Result<std::shared_ptr<Fd>> fd = co_await op;
  if (!fd.ok()) {
    co_return fd.error();
  }
  auto f = std::make_unique<PosixFile>(*w, *ex, (*fd)->fd);
  (*fd)->fd = -1;  // now the File's
  co_return FilePtr(std::move(f));
}

Task<Result<void>> rename_file(BlockingWorker* w, Executor* ex, std::string from, std::string to) {
  auto op = offload(*w, *ex, [from = std::move(from), to = std::move(to)] {
    return errno_result(::rename(from.c_str(), to.c_str()));
  });
  co_return co_await op;
}

Task<Result<void>> remove_path(BlockingWorker* w, Executor* ex, std::string path) {
  auto op = offload(*w, *ex, [path = std::move(path)] {
    return errno_result(std::remove(path.c_str()));  // unlink, or rmdir for an empty directory
  });
  co_return co_await op;
}

Task<Result<std::vector<std::string>>> list_task(BlockingWorker* w, Executor* ex, std::string dir) {
  auto op = offload(*w, *ex, [dir = std::move(dir)] { return list_dir(dir); });
  co_return co_await op;
}

Task<Result<void>> mkdirs_task(BlockingWorker* w, Executor* ex, std::string dir) {
  auto op = offload(*w, *ex, [dir = std::move(dir)] { return make_dirs(dir); });
  co_return co_await op;
}

Task<Result<void>> sync_dir_task(BlockingWorker* w, Executor* ex, std::string dir) {
  auto op = offload(*w, *ex, [dir = std::move(dir)] { return fsync_path(dir); });
  co_return co_await op;
}

}  // namespace

Task<Result<FilePtr>> PosixDisk::open(const std::string& path, unsigned flags) {
  return open_file(w_, ex_, path, flags);
}

Task<Result<void>> PosixDisk::rename(const std::string& from, const std::string& to) {
  return rename_file(w_, ex_, from, to);
}

Task<Result<void>> PosixDisk::remove(const std::string& path) {
  return remove_path(w_, ex_, path);
}

Task<Result<std::vector<std::string>>> PosixDisk::list(const std::string& dir) {
  return list_task(w_, ex_, dir);
}

Task<Result<void>> PosixDisk::mkdirs(const std::string& dir) {
  return mkdirs_task(w_, ex_, dir);
}

Task<Result<void>> PosixDisk::sync_dir(const std::string& dir) {
  return sync_dir_task(w_, ex_, dir);
}

}  // namespace codis::rt::asio
