#include "server/persist/snapshot.h"

#include "server/families/dump_value.h"
#include "server/lfu.h"

namespace codis::server {

Snapshot::Snapshot(std::vector<Db*> dbs, SnapshotOptions options)
    : dbs_(std::move(dbs)), options_(std::move(options)), writer_(options_.file), introduced_(dbs_.size()) {
  writer_.begin(options_.aux, &buf_);
  for (const auto& [field, value] : options_.extra_aux) {
    writer_.aux(field, value, &buf_);
  }
  for (Db* db : dbs_) {
    keys_total_ += db->size();
    db->begin_snapshot(this);
  }
}

Snapshot::~Snapshot() {
  abandon();
}

void Snapshot::detach(bool settle) {
  if (!attached_) {
    return;
  }
  attached_ = false;
  for (Db* db : dbs_) {
    db->end_snapshot(settle);
  }
}

void Snapshot::abandon() {
  detach(true);
}

void Snapshot::step(size_t budget) {
  const size_t start = buf_.size();
  while (!done_ && db_ < dbs_.size() && buf_.size() - start < budget) {
    Db& db = *dbs_[db_];
    if (db.size() == 0) {
      ++db_;  // nothing left to save in it (an empty db: Redis writes nothing for it)
      slot_ = 0;
      continue;
    }
    save_slot(db, slot_);
    if (++slot_ == cmd::kSlots) {
      slot_ = 0;
      ++db_;
    }
  }
  if (!done_ && db_ == dbs_.size()) {
    writer_.finish(&buf_);
    detach(false);
    done_ = true;
  }
}

void Snapshot::save_slot(Db& db, uint32_t slot) {
  for (const Entry& e : db.slot_table(slot)) {
    if (!db.saved(e)) {
      save(db, e);
    }
  }
}

void Snapshot::before_change(Db& db, const Entry& e) {
  ++keys_copied_;
  save(db, e);
}

// FLUSHDB, FLUSHALL, SWAPDB (rare, and they change the whole db at once): what the walk has not saved of
// the db is saved now, in one go.
void Snapshot::before_bulk_change(Db& db) {
  for (uint32_t s = 0; s < cmd::kSlots; ++s) {
    save_slot(db, s);
  }
}

void Snapshot::save(Db& db, const Entry& e) {
  db.mark_saved(e);
  const int64_t expire = db.expire_of(e);
  if (expire >= 0 && expire < options_.start_ms) {
    return;  // already expired when the snapshot began
  }
  rdb::DumpValue v;
  if (!to_dump_value(e.value, &v)) {
    failure_ = "no RDB encoding for the value of key '" + std::string(e.key()) + "'";
    return;
  }
  const auto idx = static_cast<size_t>(db.index());
  if (file_db_ != db.index()) {
    if (!introduced_[idx]) {
      writer_.select_db(idx, db.size(), db.expires(), &buf_);
      introduced_[idx] = true;
    } else {
      writer_.reselect_db(idx, &buf_);
    }
    file_db_ = db.index();
  }
  rdb::KeyMeta meta;
  if (expire >= 0) {
    meta.expire_ms = expire;
  }
  if (options_.save_lfu) {
    meta.lfu_freq = static_cast<uint8_t>(lfu::counter(e.lru, options_.start_ms, options_.lfu_decay_time));
  } else if (options_.save_lru) {
    const int64_t idle = options_.start_ms / 1000 - static_cast<int64_t>(e.lru);
    meta.lru_idle = static_cast<uint64_t>(std::max<int64_t>(0, idle));
  }
  if (auto st = writer_.key(e.key(), v, dump_type(e.value, v), meta, &buf_); !st.ok()) {
    failure_ = "cannot encode the value of key '" + std::string(e.key()) + "'";
    return;
  }
  ++keys_saved_;
}

}  // namespace codis::server
