// Streams a Snapshot to disk through the seam's Disk, as Redis's rdbSave does with a file: the bytes go to
// `tmp` (created fresh), which is synced, closed and renamed over `path`, and the directory synced, so a
// crash leaves either the old file or the new one, never a part. Between steps the task waits for the disk
// (the loop serves clients meanwhile); each step walks on until `step_bytes` are buffered.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "rt/disk.h"
#include "rt/executor.h"
#include "rt/task.h"
#include "server/persist/snapshot.h"

namespace codis::server {

struct SaveOutcome {
  bool ok = false;
  std::string error;  // what failed and why ("" when ok)
  uint64_t bytes = 0;
};

struct SavePaths {
  std::string dir;
  std::string tmp;   // dir/temp-....rdb
  std::string path;  // dir/dbfilename
};

// `snap` may be abandoned while this waits on the disk (FLUSHALL): the task then removes `tmp` and fails.
// key_delay_us > 0 (Redis's rdb-key-save-delay, for tests) sleeps that long per key saved by each step.
rt::Task<SaveOutcome> write_snapshot(rt::Disk& disk, rt::Executor& ex, std::shared_ptr<Snapshot> snap,
                                     SavePaths paths, size_t step_bytes, int64_t key_delay_us);

// "dir/name" ("name" when dir is "" or ".").
std::string join_path(const std::string& dir, const std::string& name);

}  // namespace codis::server
