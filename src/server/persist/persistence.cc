#include "server/persist/persistence.h"

#include <cstdio>

#include "server/info.h"
#include "server/persist/rdb_load.h"
#include "server/persist/slot_aux.h"
#include "server/server.h"

namespace codis::server {

namespace {

// Bytes a save step buffers before it hands them to the disk and lets clients run: small enough that a
// step costs well under a millisecond of serializing, large enough that the disk sees big writes.
constexpr size_t kStepBytes = 128 * 1024;
// Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE the rules wait this long before trying again.
constexpr int64_t kRetryDelayS = 5;

std::string seconds3(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ms) / 1000);
  return buf;
}

}  // namespace

Persistence::Persistence(Server& s) : s_(s), lastsave_s_(s.started_unix_s()) {}

Persistence::~Persistence() {
  if (snap_) {
    snap_->abandon();
  }
}

SavePaths Persistence::paths() const {
  const Config& c = s_.config();
  SavePaths p;
  p.dir = c.dir;
  p.path = join_path(c.dir, c.dbfilename);
  p.tmp = join_path(c.dir, "temp-" + s_.run_id().substr(0, 8) + "-" + std::to_string(seq_) + ".rdb");
  return p;
}

std::string Persistence::start(Kind kind, std::function<void(const SaveOutcome&)> done) {
  if (snap_) {
    return "ERR Background save already in progress";
  }
  const Config& c = s_.config();
  SnapshotOptions o;
  o.file.compress = c.rdbcompression;
  o.file.checksum = c.rdbchecksum;
  o.file.list_max_listpack_size = static_cast<int>(c.list_max_listpack_size);
  o.start_ms = s_.now_ms();
  o.aux.redis_ver = std::string(kRedisVersion);
  o.aux.ctime = o.start_ms / 1000;
  o.aux.used_mem = s_.used_memory();
  if (s_.slot_states().cluster_mode()) {
    o.extra_aux.emplace_back(std::string(kSlotsAuxField), encode_slot_states(s_.slot_states()));
  }
  const EvictionPolicy p = c.maxmemory_policy;
  o.save_lfu = is_lfu(p);
  o.save_lru = p == EvictionPolicy::kAllKeysLru || p == EvictionPolicy::kVolatileLru;
  o.lfu_decay_time = c.lfu_decay_time;
  std::vector<Db*> dbs;
  for (int i = 0; i < s_.databases(); ++i) {
    dbs.push_back(&s_.db(i));
  }
  ++seq_;
  auto snap = std::make_shared<Snapshot>(std::move(dbs), std::move(o));
  if (!s_.spawn(write(snap, paths(), seq_))) {
    return "ERR the server is not running, nothing can be saved";
  }
  snap_ = std::move(snap);
  kind_ = kind;
  done_ = std::move(done);
  dirty_at_start_ = s_.stats().dirty;
  started_ms_ = s_.now_ms();
  last_try_s_ = started_ms_ / 1000;
  if (kind == Kind::kBackground) {
    scheduled_ = false;
    s_.env().log.notice("Background saving started");
  }
  return "";
}

rt::Task<void> Persistence::write(std::shared_ptr<Snapshot> snap, SavePaths paths, uint64_t seq) {
  SaveOutcome out = co_await write_snapshot(s_.env().disk, s_.env().exec, std::move(snap), std::move(paths),
                                            kStepBytes, s_.config().rdb_key_save_delay);
  finished(seq, out);
}

void Persistence::finished(uint64_t seq, const SaveOutcome& out) {
  if (!snap_ || seq != seq_) {
    return;  // aborted meanwhile (abort() reported it)
  }
  const int64_t now_ms = s_.now_ms();
  const bool background = kind_ == Kind::kBackground;
  if (out.ok) {
    uint64_t& dirty = s_.stats().dirty;
    dirty = dirty >= dirty_at_start_ ? dirty - dirty_at_start_ : 0;
    lastsave_s_ = now_ms / 1000;
    last_bgsave_ok_ = true;
    if (kind_ != Kind::kFlush) {
      ++saves_;
    }
    s_.env().log.notice(background ? "Background saving terminated with success" : "DB saved on disk");
  } else {
    if (background) {
      last_bgsave_ok_ = false;
    }
    s_.env().log.warning((background ? "Background saving error: " : "Error saving DB on disk: ") +
                         out.error);
  }
  if (background) {
    last_bgsave_time_sec_ = (now_ms - started_ms_) / 1000;
  }
  last_cow_keys_ = snap_->keys_copied();
  snap_.reset();
  auto done = std::move(done_);
  done_ = nullptr;
  if (done) {
    done(out);
  }
}

void Persistence::abort() {
  if (!snap_) {
    return;
  }
  snap_->abandon();  // the writing task sees it, removes its temp file and ends
  snap_.reset();
  s_.env().log.warning("Background saving aborted");
  auto done = std::move(done_);
  done_ = nullptr;
  if (done) {
    done(SaveOutcome{false, "the save was aborted", 0});
  }
}

int64_t Persistence::current_save_time_sec() const {
  return bgsave_in_progress() ? (s_.now_ms() - started_ms_) / 1000 : -1;
}

bool Persistence::refuses_writes() const {
  const Config& c = s_.config();
  return c.stop_writes_on_bgsave_error && !c.save.empty() && !last_bgsave_ok_;
}

void Persistence::cron() {
  if (snap_) {
    return;
  }
  const int64_t now_s = s_.now_ms() / 1000;
  const bool may_try = last_bgsave_ok_ || now_s - last_try_s_ > kRetryDelayS;
  if (!may_try) {
    return;
  }
  if (scheduled_) {
    (void)start(Kind::kBackground);
    return;
  }
  const uint64_t dirty = s_.stats().dirty;
  for (const auto& r : s_.config().save) {
    if (dirty >= static_cast<uint64_t>(r.changes) && now_s - lastsave_s_ > r.seconds) {
      s_.env().log.notice(std::to_string(r.changes) + " changes in " + std::to_string(r.seconds) +
                          " seconds. Saving...");
      (void)start(Kind::kBackground);
      return;
    }
  }
}

void Persistence::after_flushall() {
  if (s_.config().save.empty()) {
    return;
  }
  abort();
  (void)start(Kind::kFlush);
  s_.stats().dirty = 0;
  dirty_at_start_ = 0;
}

rt::Task<bool> Persistence::load_at_startup() {
  std::string error = co_await load_and_swap(true);
  if (!error.empty()) {
    s_.env().log.warning("Fatal error loading the DB: " + error + ". Exiting.");
    co_return false;
  }
  co_return true;
}

rt::Task<std::string> Persistence::load_and_swap(bool at_startup) {
  const Config& c = s_.config();
  const std::string path = join_path(c.dir, c.dbfilename);
  const rt::MonoTime t0 = s_.env().clock.mono();
  std::vector<Db> staging(static_cast<size_t>(s_.databases()));
  for (int i = 0; i < s_.databases(); ++i) {
    staging[static_cast<size_t>(i)].same_mark_as(s_.db(i));
  }
  LoadOutcome out = co_await load_rdb(s_.env().disk, path, staging, c, s_.now_ms());
  if (!out.ok) {
    co_return out.error;
  }
  if (out.missing) {
    if (!at_startup) {
      co_return path + ": no such file";
    }
    co_return "";
  }
  if (!out.slots_aux.empty()) {
    std::vector<std::pair<uint32_t, SlotInfo>> slots;
    if (!decode_slot_states(out.slots_aux, &slots)) {
      co_return path + ": the " + std::string(kSlotsAuxField) + " aux field is malformed";
    }
    if (s_.slot_states().cluster_mode()) {
      for (const auto& [slot, info] : slots) {
        s_.slot_states().restore(slot, info);
      }
    } else {
      s_.env().log.notice("The RDB file has slot states; ignored (cluster-mode is off)");
    }
  }
  for (int i = 0; i < s_.databases(); ++i) {
    s_.db(i).swap(staging[static_cast<size_t>(i)]);
  }
  s_.touch_watched_db(-1);
  load_keys_loaded_ = out.keys_loaded;
  load_keys_expired_ = out.keys_expired;
  const auto ms = std::chrono::duration_cast<rt::milliseconds>(s_.env().clock.mono() - t0).count();
  s_.env().log.notice("Done loading RDB, keys loaded: " + std::to_string(out.keys_loaded) +
                      ", keys expired: " + std::to_string(out.keys_expired) + ".");
  s_.env().log.notice("DB loaded from disk: " + seconds3(ms) + " seconds");
  co_return "";
}

std::string Persistence::reload(bool save, std::function<void(const std::string&)> done) {
  // Redis's DEBUG RELOAD blocks the server; here the other clients are paused until it is over.
  s_.pause_clients(s_.now_ms() + 24LL * 3600 * 1000, false);
  if (!save) {
    if (!s_.spawn(reload_task(std::move(done)))) {
      s_.unpause_clients();
      return "ERR the server is not running";
    }
    return "";
  }
  auto after_save = [this, done](const SaveOutcome& out) {
    if (!out.ok || !s_.spawn(reload_task(done))) {
      s_.unpause_clients();
      done("ERR Error trying to save the RDB dump, check server logs.");
    }
  };
  std::string error = start(Kind::kForeground, std::move(after_save));
  if (!error.empty()) {
    s_.unpause_clients();
  }
  return error;
}

rt::Task<void> Persistence::reload_task(std::function<void(const std::string&)> done) {
  std::string error = co_await load_and_swap(false);
  s_.unpause_clients();
  if (!error.empty()) {
    s_.env().log.warning("DEBUG RELOAD: " + error);
    done("ERR Error trying to load the RDB dump, check server logs.");
    co_return;
  }
  s_.env().log.notice("DB reloaded by DEBUG RELOAD");
  done("");
}

}  // namespace codis::server
