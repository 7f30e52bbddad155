// A fork-free RDB snapshot: the keyspace as it was when the snapshot began, written while clients go on
// writing. Redis forks and lets the kernel copy pages a write touches (up to 2x memory); here the walk goes
// db by db, slot by slot, a few slots per step, and a write to a key the walk has not reached yet first
// saves that key's old value (copy-on-write per key, through Db's KeyObserver hook). Which keys are saved
// is one bit per entry (Entry::snapshot_mark, compared with the db's mark that flips at each snapshot), so
// the bookkeeping costs no memory; the copies are bytes of the file, handed to the disk at the next step.
//
// A key saved out of the walk's order may belong to another db: the file then says SELECTDB again, which
// Redis loads (it only ever switches the db keys go to). Keys already expired when the snapshot began are
// not saved. A value is serialized whole (a 5M-element hash in one go: see docs/persistence.md).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "server/keyspace.h"
#include "server/rdb/file_writer.h"

namespace codis::server {

struct SnapshotOptions {
  rdb::FileWriterOptions file;
  rdb::AuxInfo aux;
  // Written after Redis's aux fields (codis-slots: slot states and epochs; Redis skips unknown ones).
  std::vector<std::pair<std::string, std::string>> extra_aux;
  // The snapshot's time: keys expired then are left out; access info is relative to it.
  int64_t start_ms = 0;
  // maxmemory-policy's family: Redis writes IDLE under *-lru and FREQ under *-lfu policies.
  bool save_lru = false;
  bool save_lfu = false;
  int64_t lfu_decay_time = 1;
};

class Snapshot final : public KeyObserver {
 public:
  // Writes the header into the buffer and starts watching every db (dbs[i]->index() == i).
  Snapshot(std::vector<Db*> dbs, SnapshotOptions options);
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  // Walks on until at least `budget` bytes are buffered or the walk is complete, in whole slots; once
  // complete the buffer ends with the EOF opcode and checksum and the dbs are no longer watched.
  void step(size_t budget);
  bool done() const { return done_; }
  // The bytes produced so far and not taken yet (walk and copy-on-write alike); the buffer is left empty.
  std::string take() { return std::exchange(buf_, {}); }
  size_t buffered() const { return buf_.size(); }
  // Stops watching (the file is dropped): marks every entry saved, as a finished snapshot leaves them.
  void abandon();
  bool abandoned() const { return !attached_ && !done_; }
  // A value that could not be encoded: the snapshot is unusable (empty while all is well).
  const std::string& failure() const { return failure_; }

  uint64_t keys_total() const { return keys_total_; }    // keys present at the start
  uint64_t keys_saved() const { return keys_saved_; }    // written so far
  uint64_t keys_copied() const { return keys_copied_; }  // of which saved ahead of the walk by a write
  uint64_t bytes() const { return writer_.bytes_written(); }

  void before_change(Db& db, const Entry& e) override;
  void before_bulk_change(Db& db) override;

 private:
  void save(Db& db, const Entry& e);
  void save_slot(Db& db, uint32_t slot);
  void detach(bool settle);

  std::vector<Db*> dbs_;
  SnapshotOptions options_;
  rdb::FileWriter writer_;
  std::string buf_;
  size_t db_ = 0;  // the walk's position: dbs_[db_], slot slot_
  uint32_t slot_ = 0;
  int64_t file_db_ = -1;          // the db the file's last SELECTDB named
  std::vector<bool> introduced_;  // a SELECTDB with its RESIZEDB hint was written for the db
  bool attached_ = true;
  bool done_ = false;
  std::string failure_;
  uint64_t keys_total_ = 0, keys_saved_ = 0, keys_copied_ = 0;
};

}  // namespace codis::server
