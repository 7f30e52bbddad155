#include "sim/disk.h"

#include <algorithm>
#include <cstring>

#include "rt/sleep.h"
#include "sim/process.h"

namespace codis::sim {

using rt::Errc;
using rt::Result;
using rt::Task;

namespace {

void apply_op(std::string& img, const SimFileData::Op& op) {
  if (op.truncate) {
    img.resize(op.offset);
    return;
  }
  if (img.size() < op.offset + op.bytes.size()) {
    img.resize(op.offset + op.bytes.size());
  }
  std::memcpy(img.data() + op.offset, op.bytes.data(), op.bytes.size());
}

std::string normalize(std::string p) {
  while (p.size() > 1 && p.back() == '/') {
    p.pop_back();
  }
  return p;
}

class SimFile final : public rt::File {
 public:
  SimFile(ProcessDisk& d, std::shared_ptr<SimFileData> f) : d_(&d), f_(std::move(f)) {}

  Task<Result<void>> write_at(uint64_t offset, std::span<const char> data) override {
    co_await delay();
    if (closed_) {
      co_return Errc::kCancelled;
    }
    HostDisk& hd = d_->host_disk();
    if (hd.random().chance(hd.params().write_error_chance)) {
      co_return Errc::kIoError;
    }
    uint64_t grow = offset + data.size() > f_->current.size() ? offset + data.size() - f_->current.size() : 0;
    if (hd.used() + grow > hd.params().capacity) {
      co_return Errc::kNoSpace;
    }
    SimFileData::Op op{offset, std::string(data.data(), data.size()), false};
    std::erase_if(f_->bad,
                  [&](const auto& b) { return offset <= b.first && b.second <= offset + data.size(); });
    apply_op(f_->current, op);
    f_->pending.push_back(std::move(op));
    f_->dirty = true;
    co_return rt::ok();
  }

  Task<Result<size_t>> read_at(uint64_t offset, std::span<char> buf) override {
    co_await delay();
    if (closed_) {
      co_return Errc::kCancelled;
    }
    if (offset >= f_->current.size()) {
      co_return size_t{0};
    }
    size_t n = std::min<uint64_t>(buf.size(), f_->current.size() - offset);
    HostDisk& hd = d_->host_disk();
    if (hd.random().chance(hd.params().read_error_chance)) {
      co_return Errc::kIoError;
    }
    for (const auto& [from, to] : f_->bad) {
      if (offset < to && from < offset + n) {
        co_return Errc::kIoError;
      }
    }
    std::memcpy(buf.data(), f_->current.data() + offset, n);
    co_return n;
  }

  Task<Result<void>> sync() override {
    co_await delay();
    if (closed_) {
      co_return Errc::kCancelled;
    }
    HostDisk& hd = d_->host_disk();
    const bool failed = f_->dirty && hd.random().chance(hd.params().sync_error_chance);
    // Linux: writeback failed, the dirty pages are marked clean (they stay cached, so reads still see
    // them until a power loss) and the error is reported once; a later sync has nothing to write.
    if (!failed) {
      for (const auto& op : f_->pending) {
        apply_op(f_->durable, op);
      }
    }
    f_->pending.clear();
    f_->dirty = false;
    co_return failed ? Result<void>(Errc::kIoError) : rt::ok();
  }

  Task<Result<void>> truncate(uint64_t size) override {
    co_await delay();
    if (closed_) {
      co_return Errc::kCancelled;
    }
    SimFileData::Op op{size, {}, true};
    apply_op(f_->current, op);
    f_->pending.push_back(std::move(op));
    f_->dirty = true;
    co_return rt::ok();
  }

  Result<uint64_t> size() const override {
    if (closed_) {
      return Errc::kCancelled;
    }
    return static_cast<uint64_t>(f_->current.size());
  }
  void close() override { closed_ = true; }

 private:
  rt::SleepAwaiter delay() {
    HostDisk& hd = d_->host_disk();
    return rt::sleep_for(d_->process(),
                         hd.random().uniform(hd.params().op_latency_min, hd.params().op_latency_max));
  }

  ProcessDisk* d_;
  std::shared_ptr<SimFileData> f_;
  bool closed_ = false;
};

rt::SleepAwaiter op_delay(ProcessDisk& d) {
  HostDisk& hd = d.host_disk();
  return rt::sleep_for(d.process(),
                       hd.random().uniform(hd.params().op_latency_min, hd.params().op_latency_max));
}

}  // namespace

void HostDisk::power_loss() {
  for (auto& [path, f] : files_) {
    if (!f->dirty) {
      f->current = f->durable;  // drops cached pages a failed sync marked clean without writing them
      continue;
    }
    // Keep a random prefix of the unsynced writes; maybe tear the next one at a random byte.
    size_t keep = r_.uniform(0, f->pending.size());
    std::string img = f->durable;
    for (size_t i = 0; i < keep; ++i) {
      apply_op(img, f->pending[i]);
    }
    if (keep < f->pending.size() && !f->pending[keep].truncate && r_.chance(0.5)) {
      auto torn = f->pending[keep];
      torn.bytes.resize(r_.uniform(0, torn.bytes.size()));
      apply_op(img, torn);
    }
    f->durable = img;
    f->current = img;
    f->pending.clear();
    f->dirty = false;
  }
}

bool HostDisk::add_bad_region(const std::string& path, uint64_t offset, uint64_t len) {
  auto it = files_.find(normalize(path));
  if (it == files_.end()) {
    return false;
  }
  it->second->bad.emplace_back(offset, offset + len);
  it->second->damaged_from = std::min(it->second->damaged_from, offset);
  return true;
}

bool HostDisk::corrupt(const std::string& path, uint64_t offset, uint64_t len, rt::Random r) {
  auto it = files_.find(normalize(path));
  if (it == files_.end()) {
    return false;
  }
  SimFileData& f = *it->second;
  f.damaged_from = std::min(f.damaged_from, offset);
  for (uint64_t i = offset; i < offset + len; ++i) {
    const char flip = static_cast<char>(1u << r.uniform(0, 7));  // one bit per byte: every byte changes
    auto flip_at = [flip](std::string& img, uint64_t at) {
      if (at < img.size()) {
        img[at] = static_cast<char>(img[at] ^ flip);
      }
    };
    flip_at(f.durable, i);
    flip_at(f.current, i);
    // The unsynced writes over the byte too, so a later sync or power loss replays the same flipped byte.
    for (auto& op : f.pending) {
      if (!op.truncate && i >= op.offset) {
        flip_at(op.bytes, i - op.offset);
      }
    }
  }
  return true;
}

namespace {
std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) {
    return ".";
  }
  return slash == 0 ? "/" : path.substr(0, slash);
}
}  // namespace

void HostDisk::add_dirs(const std::string& dir) {
  std::string d = normalize(dir);
  while (!d.empty() && dirs_.insert(d).second) {
    d = parent_of(d);
  }
}

bool HostDisk::has_dir(const std::string& dir) const {
  return dirs_.count(normalize(dir)) != 0;
}

uint64_t HostDisk::used() const {
  uint64_t n = 0;
  for (auto& [p, f] : files_) {
    n += f->current.size();
  }
  return n;
}

Task<Result<rt::FilePtr>> ProcessDisk::open(const std::string& path, unsigned flags) {
  co_await op_delay(*this);
  auto& files = d_->files();
  auto key = normalize(path);
  auto it = files.find(key);
  if (it == files.end()) {
    if ((flags & rt::kOpenCreate) == 0 || !d_->has_dir(parent_of(key))) {
      co_return Errc::kNotFound;
    }
    it = files.emplace(key, std::make_shared<SimFileData>()).first;
  } else if ((flags & rt::kOpenCreate) && (flags & rt::kOpenExclusive)) {
    co_return Errc::kExists;
  }
  auto f = it->second;
  if (flags & rt::kOpenTruncate) {
    SimFileData::Op op{0, {}, true};
    apply_op(f->current, op);
    f->pending.push_back(op);
    f->dirty = true;
  }
  co_return rt::FilePtr(std::make_unique<SimFile>(*this, f));
}

Task<Result<void>> ProcessDisk::rename(const std::string& from, const std::string& to) {
  co_await op_delay(*this);
  auto& files = d_->files();
  auto it = files.find(normalize(from));
  if (it == files.end() || !d_->has_dir(parent_of(normalize(to)))) {
    co_return Errc::kNotFound;
  }
  auto f = it->second;
  files.erase(it);
  files[normalize(to)] = f;
  co_return rt::ok();
}

Task<Result<void>> ProcessDisk::remove(const std::string& path) {
  co_await op_delay(*this);
  if (d_->files().erase(normalize(path)) == 0) {
    co_return Errc::kNotFound;
  }
  co_return rt::ok();
}

Task<Result<std::vector<std::string>>> ProcessDisk::list(const std::string& dir) {
  co_await op_delay(*this);
  if (!d_->has_dir(dir)) {
    co_return Errc::kNotFound;
  }
  std::string prefix = normalize(dir) == "/" ? "/" : normalize(dir) + "/";
  std::vector<std::string> out;
  for (auto& [path, f] : d_->files()) {
    if (path.compare(0, prefix.size(), prefix) == 0) {
      std::string rest = path.substr(prefix.size());
      auto slash = rest.find('/');
      std::string name = slash == std::string::npos ? rest : rest.substr(0, slash);
      if (out.empty() || out.back() != name) {
        out.push_back(name);
      }
    }
  }
  for (const auto& d : d_->dirs()) {
    if (d.size() > prefix.size() && d.compare(0, prefix.size(), prefix) == 0 &&
        d.find('/', prefix.size()) == std::string::npos) {
      out.push_back(d.substr(prefix.size()));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  co_return out;
}

Task<Result<void>> ProcessDisk::mkdirs(const std::string& dir) {
  co_await op_delay(*this);
  d_->add_dirs(dir);
  co_return rt::ok();
}

Task<Result<void>> ProcessDisk::sync_dir(const std::string&) {
  co_await op_delay(*this);
  co_return rt::ok();
}

}  // namespace codis::sim
