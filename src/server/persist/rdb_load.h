// Loads an RDB file into databases through the seam's Disk, as Redis's rdbLoad does: keys already expired
// are dropped (and counted), a duplicated key, a value that does not decode, function libraries (which
// codis-server does not have) and every error of the file reader stop the load with the file, the byte
// offset and the reason. The caller loads into databases apart and swaps them in only on success, so a
// failed load never leaves a half-loaded keyspace behind.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rt/disk.h"
#include "rt/task.h"
#include "server/config.h"
#include "server/keyspace.h"

namespace codis::server {

struct LoadOutcome {
  bool ok = false;
  bool missing = false;  // no such file (ok: a server starts empty)
  std::string error;     // "<path>: <reason> (at byte N)" when !ok
  uint64_t keys_loaded = 0;
  uint64_t keys_expired = 0;  // present in the file, expired by `now_ms`, left out
  uint64_t bytes = 0;
  std::string slots_aux;  // the codis-slots aux field ("" when the file has none)
};

// Loads `path` into `into` (empty dbs; as many as the server has), stamping access times from now_ms.
rt::Task<LoadOutcome> load_rdb(rt::Disk& disk, std::string path, std::vector<Db>& into, const Config& config,
                               int64_t now_ms);

}  // namespace codis::server
