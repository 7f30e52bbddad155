// The simulated disk of one host: every file has a durable image, the page cache over it (what reads see)
// and the writes made since its last sync. A killed process leaves the page cache as it was; a power loss
// drops, partly keeps or tears the unsynced writes, by seed. A failed sync drops the dirty writes from
// durability (Linux marks the pages clean), so a later successful sync does not bring them back. Regions
// of a file can be made unreadable (EIO) or corrupted (bit flips in the stored bytes).
// Creations, renames and removals are durable at once (a simplification: sync_dir is a no-op).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "rt/disk.h"
#include "rt/random.h"

namespace codis::sim {

class Process;

struct DiskParams {
  double write_error_chance = 0;   // kIoError on write_at
  double sync_error_chance = 0;    // kIoError on sync, and the dirty writes are lost to durability
  double read_error_chance = 0;    // kIoError on a read (transient)
  uint64_t capacity = UINT64_MAX;  // total bytes before kNoSpace
  rt::Duration op_latency_min = rt::microseconds(10);
  rt::Duration op_latency_max = rt::microseconds(200);
};

struct SimFileData {
  std::string durable;  // on the platter
  std::string current;  // the page cache over it: what reads see
  bool dirty = false;
  // Writes since the last sync, in order, so a crash can keep a prefix of them and tear the next.
  struct Op {
    uint64_t offset;
    std::string bytes;
    bool truncate = false;
  };
  std::vector<Op> pending;
  // Regions [first, second) whose reads fail with kIoError until a write covers them (a remapped sector).
  std::vector<std::pair<uint64_t, uint64_t>> bad;
  // The lowest offset a bad region or corruption ever hit in this file (it travels with renames), for
  // checkers: what a file holds from there on may be lost without any process being at fault.
  uint64_t damaged_from = UINT64_MAX;
};

class HostDisk {
 public:
  HostDisk(rt::Random r, DiskParams p) : r_(r), p_(p) {}

  const DiskParams& params() const { return p_; }
  void set_params(const DiskParams& p) { p_ = p; }
  rt::Random& random() { return r_; }

  // The host lost power: what was not synced is lost, partly kept or torn.
  void power_loss();
  // Faults on a file's region: reads that overlap it fail (kIoError); or its stored bytes get bit flips
  // (each byte of the region that exists changes). False when the file does not exist.
  bool add_bad_region(const std::string& path, uint64_t offset, uint64_t len);
  bool corrupt(const std::string& path, uint64_t offset, uint64_t len, rt::Random r);
  uint64_t used() const;

  std::map<std::string, std::shared_ptr<SimFileData>>& files() { return files_; }
  // Directories exist once made by mkdirs (and "/" always), so paths behave as on a real disk.
  void add_dirs(const std::string& dir);
  bool has_dir(const std::string& dir) const;
  const std::set<std::string>& dirs() const { return dirs_; }

 private:
  std::set<std::string> dirs_{"/", "", "."};
  rt::Random r_;
  DiskParams p_;
  std::map<std::string, std::shared_ptr<SimFileData>> files_;
};

// One process's rt::Disk over its host's disk.
class ProcessDisk final : public rt::Disk {
 public:
  ProcessDisk(HostDisk& d, Process& p) : d_(&d), p_(&p) {}

  rt::Task<rt::Result<rt::FilePtr>> open(const std::string& path, unsigned flags) override;
  rt::Task<rt::Result<void>> rename(const std::string& from, const std::string& to) override;
  rt::Task<rt::Result<void>> remove(const std::string& path) override;
  rt::Task<rt::Result<std::vector<std::string>>> list(const std::string& dir) override;
  rt::Task<rt::Result<void>> mkdirs(const std::string& dir) override;
  rt::Task<rt::Result<void>> sync_dir(const std::string& dir) override;

  HostDisk& host_disk() { return *d_; }
  Process& process() { return *p_; }

 private:
  HostDisk* d_;
  Process* p_;
};

}  // namespace codis::sim
