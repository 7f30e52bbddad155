#include "server/persist/rdb_save.h"

#include "rt/sleep.h"

namespace codis::server {

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir == ".") {
    return name;
  }
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

namespace {

std::string describe(std::string_view what, const std::string& path, rt::Errc e) {
  return std::string(what) + " " + path + ": " + std::string(rt::errc_name(e));
}

// Writes the whole snapshot into `file`; "" or what failed. Every co_await stands in a statement of its
// own (GCC 12 mishandles temporaries of a co_await inside an if's init-statement).
rt::Task<std::string> write_body(rt::File& file, rt::Executor& ex, Snapshot& snap, const SavePaths& paths,
                                 size_t step_bytes, int64_t key_delay_us, uint64_t* offset) {
  for (;;) {
    // Abandoned while the disk had us waiting (FLUSHALL drops a running snapshot, as Redis kills its child).
    if (snap.abandoned()) {
      co_return "the snapshot was abandoned";
    }
    if (!snap.done()) {
      const uint64_t before = snap.keys_saved();
      snap.step(step_bytes);
      if (key_delay_us > 0 && snap.keys_saved() > before) {
        const auto keys = static_cast<int64_t>(snap.keys_saved() - before);
        co_await rt::sleep_for(ex, rt::microseconds(key_delay_us * keys));
      }
    }
    if (!snap.failure().empty()) {
      snap.abandon();
      co_return snap.failure();
    }
    const std::string piece = snap.take();
    if (!piece.empty()) {
      const rt::Result<void> w = co_await file.write_at(*offset, piece);
      if (!w.ok()) {
        snap.abandon();
        co_return describe("Write error saving DB on disk to", paths.tmp, w.error());
      }
      *offset += piece.size();
    }
    if (snap.done() && snap.buffered() == 0) {
      break;
    }
  }
  const rt::Result<void> s = co_await file.sync();
  if (!s.ok()) {
    co_return describe("Failed to fsync", paths.tmp, s.error());
  }
  co_return "";
}

}  // namespace

rt::Task<SaveOutcome> write_snapshot(rt::Disk& disk, rt::Executor& ex, std::shared_ptr<Snapshot> snap,
                                     SavePaths paths, size_t step_bytes, int64_t key_delay_us) {
  SaveOutcome out;
  rt::Result<rt::FilePtr> f = co_await disk.open(paths.tmp, rt::kOpenCreate | rt::kOpenTruncate);
  if (!f.ok()) {
    snap->abandon();
    out.error = describe("Failed opening the temp RDB file", paths.tmp, f.error());
    co_return out;
  }
  rt::FilePtr file = std::move(*f);
  uint64_t offset = 0;
  std::string error = co_await write_body(*file, ex, *snap, paths, step_bytes, key_delay_us, &offset);
  file->close();
  if (error.empty()) {
    const rt::Result<void> r = co_await disk.rename(paths.tmp, paths.path);
    if (!r.ok()) {
      error = "Error moving temp DB file " + paths.tmp + " on the final destination " + paths.path + ": " +
              std::string(rt::errc_name(r.error()));
    }
  }
  if (!error.empty()) {
    (void)co_await disk.remove(paths.tmp);
    out.error = std::move(error);
    co_return out;
  }
  // Not a ?: inside the co_await: GCC 12 destroys such a temporary twice.
  const std::string dir = paths.dir.empty() ? std::string(".") : paths.dir;
  const rt::Result<void> d = co_await disk.sync_dir(dir);
  if (!d.ok()) {
    out.error = describe("Failed to fsync the directory", paths.dir, d.error());
    co_return out;
  }
  out.ok = true;
  out.bytes = offset;
  co_return out;
}

}  // namespace codis::server
