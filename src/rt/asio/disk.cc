#include "rt/asio/disk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "rt/asio/errors.h"

namespace codis::rt::asio {

namespace {

// The synchronous bodies; the Task wrappers below only adapt them to the interface.
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

Task<Result<void>> PosixFile::write_at(uint64_t offset, std::span<const char> data) {
  if (fd_ < 0) {
    co_return Errc::kCancelled;
  }
  co_return pwrite_all(fd_, offset, data);
}

Task<Result<size_t>> PosixFile::read_at(uint64_t offset, std::span<char> buf) {
  if (fd_ < 0) {
    co_return Errc::kCancelled;
  }
  co_return pread_full(fd_, offset, buf);
}

Task<Result<void>> PosixFile::sync() {
  if (fd_ < 0) {
    co_return Errc::kCancelled;
  }
  co_return errno_result(::fsync(fd_));
}

Task<Result<void>> PosixFile::truncate(uint64_t size) {
  if (fd_ < 0) {
    co_return Errc::kCancelled;
  }
  co_return errno_result(::ftruncate(fd_, static_cast<off_t>(size)));
}

Result<uint64_t> PosixFile::size() const {
  if (fd_ < 0) {
    return Errc::kCancelled;
  }
  struct stat st {};
  if (::fstat(fd_, &st) < 0) {
    return errno_errc(errno);
  }
  return static_cast<uint64_t>(st.st_size);
}

void PosixFile::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

namespace {

// Lazy like every Task, so the bodies take their paths by value: the caller's strings may be gone by the time
// the Task is awaited.
Task<Result<FilePtr>> open_file(std::string path, unsigned flags) {
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
    co_return errno_errc(errno);
  }
  co_return FilePtr(std::make_unique<PosixFile>(fd));
}

Task<Result<void>> rename_file(std::string from, std::string to) {
  co_return errno_result(::rename(from.c_str(), to.c_str()));
}

Task<Result<void>> remove_path(std::string path) {
  co_return errno_result(std::remove(path.c_str()));  // unlink, or rmdir for an empty directory
}

Task<Result<std::vector<std::string>>> list_task(std::string dir) {
  co_return list_dir(dir);
}

Task<Result<void>> mkdirs_task(std::string dir) {
  co_return make_dirs(dir);
}

Task<Result<void>> sync_dir_task(std::string dir) {
  co_return fsync_path(dir);
}

}  // namespace

Task<Result<FilePtr>> PosixDisk::open(const std::string& path, unsigned flags) {
  return open_file(path, flags);
}

Task<Result<void>> PosixDisk::rename(const std::string& from, const std::string& to) {
  return rename_file(from, to);
}

Task<Result<void>> PosixDisk::remove(const std::string& path) {
  return remove_path(path);
}

Task<Result<std::vector<std::string>>> PosixDisk::list(const std::string& dir) {
  return list_task(dir);
}

Task<Result<void>> PosixDisk::mkdirs(const std::string& dir) {
  return mkdirs_task(dir);
}

Task<Result<void>> PosixDisk::sync_dir(const std::string& dir) {
  return sync_dir_task(dir);
}

}  // namespace codis::rt::asio
