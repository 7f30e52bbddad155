// codis-server's RDB persistence (docs/persistence.md): loading dir/dbfilename at start-up, SAVE, BGSAVE
// and the `save` rules, the save before SHUTDOWN and after FLUSHALL, DEBUG RELOAD, and what INFO
// persistence and LASTSAVE report. Every save is a fork-free Snapshot (snapshot.h) begun at the call, so
// the file holds the keyspace as it was then, streamed to disk by a task in the server's scope
// (rdb_save.h) while clients go on. One snapshot at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "rt/task.h"
#include "server/persist/rdb_save.h"
#include "server/persist/snapshot.h"

namespace codis::server {

class Server;

class Persistence {
 public:
  explicit Persistence(Server& s);
  ~Persistence();

  // Start-up: loads dir/dbfilename (a missing file is an empty start). False, logged with the file, the
  // offset and the reason, when the file is there but cannot be loaded: the server must not start.
  rt::Task<bool> load_at_startup();

  // What a save is for: the reply and statistics differ (Redis's rdbSaveBackground, rdbSave from SAVE,
  // SHUTDOWN, FLUSHALL, DEBUG RELOAD).
  enum class Kind : uint8_t { kBackground, kForeground, kFlush };
  // Begins a snapshot now and writes it in the background; `done` hears the outcome once the file is in
  // place (or not). "" when started, else the error reply (without '-').
  std::string start(Kind kind, std::function<void(const SaveOutcome&)> done = {});
  bool in_progress() const { return snap_ != nullptr; }
  bool bgsave_in_progress() const { return snap_ != nullptr && kind_ == Kind::kBackground; }
  // Drops the running snapshot (FLUSHALL, SHUTDOWN: Redis kills its child); its temp file is removed.
  void abort();
  // BGSAVE SCHEDULE: a BGSAVE as soon as none is running.
  void schedule() { scheduled_ = true; }
  bool scheduled() const { return scheduled_; }
  // serverCron's part: the `save` rules and a scheduled BGSAVE.
  void cron();
  // FLUSHALL after emptying the dbs: with save rules the empty keyspace is saved (Redis saves at once;
  // here a snapshot begins) and the dirty counter is 0.
  void after_flushall();
  // DEBUG RELOAD: saves (unless !save), loads the file into fresh dbs and swaps them in, with every other
  // client paused; `done` gets "" or the error reply. Returns the error reply at once when it cannot
  // begin ("" when begun: `done` will be called).
  std::string reload(bool save, std::function<void(const std::string&)> done);
  // stop-writes-on-bgsave-error: writes (and PING) are refused while the last background save failed.
  bool refuses_writes() const;

  // INFO persistence, LASTSAVE.
  int64_t lastsave_s() const { return lastsave_s_; }
  bool last_bgsave_ok() const { return last_bgsave_ok_; }
  int64_t last_bgsave_time_sec() const { return last_bgsave_time_sec_; }
  int64_t current_save_time_sec() const;
  uint64_t saves() const { return saves_; }
  uint64_t keys_processed() const { return snap_ ? snap_->keys_saved() : 0; }
  uint64_t keys_total() const { return snap_ ? snap_->keys_total() : 0; }
  uint64_t last_load_keys_loaded() const { return load_keys_loaded_; }
  uint64_t last_load_keys_expired() const { return load_keys_expired_; }
  // Keys saved ahead of the walk by a write, in the last finished or current snapshot.
  uint64_t cow_keys() const { return snap_ ? snap_->keys_copied() : last_cow_keys_; }

 private:
  SavePaths paths() const;
  rt::Task<void> write(std::shared_ptr<Snapshot> snap, SavePaths paths, uint64_t seq);
  void finished(uint64_t seq, const SaveOutcome& out);
  rt::Task<void> reload_task(std::function<void(const std::string&)> done);
  // Loads dir/dbfilename into fresh dbs and swaps them in; "" or the error.
  rt::Task<std::string> load_and_swap(bool at_startup);

  Server& s_;
  std::shared_ptr<Snapshot> snap_;
  Kind kind_ = Kind::kBackground;
  uint64_t seq_ = 0;  // of the running (or last) snapshot
  std::function<void(const SaveOutcome&)> done_;
  uint64_t dirty_at_start_ = 0;
  int64_t started_ms_ = 0;
  bool scheduled_ = false;
  int64_t lastsave_s_ = 0;
  int64_t last_try_s_ = 0;
  bool last_bgsave_ok_ = true;
  int64_t last_bgsave_time_sec_ = -1;
  uint64_t saves_ = 0;
  uint64_t last_cow_keys_ = 0;
  uint64_t load_keys_loaded_ = 0, load_keys_expired_ = 0;
};

}  // namespace codis::server
