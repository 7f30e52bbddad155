#include "server/persist/rdb_load.h"

#include "server/families/dump_value.h"
#include "server/lfu.h"
#include "server/persist/slot_aux.h"
#include "server/rdb/file_reader.h"

namespace codis::server {

namespace {

constexpr size_t kReadPiece = 1 << 20;

// Stores one record; "" or why it cannot be.
std::string store(rdb::KeyRecord& rec, std::vector<Db>& into, const Config& config, int64_t now_ms) {
  Db& db = into[rec.db];
  if (db.slot_table(cmd::slot_of(rec.key)).find(rec.key) != nullptr) {
    return "RDB has duplicated key '" + rec.key + "' in DB " + std::to_string(rec.db);
  }
  Object o;
  if (!load_value(std::move(rec.object), config, &o)) {
    return "Bad data format for key '" + rec.key + "'";
  }
  Entry& e = db.set(rec.key, std::move(o), rec.expire_ms.value_or(-1));
  // objectSetLRUOrLFU, as rdbLoad applies IDLE and FREQ; a key without them counts as just accessed.
  if (is_lfu(config.maxmemory_policy)) {
    e.lru = lfu::stamp(now_ms, rec.lfu_freq.value_or(lfu::kInitCounter));
  } else {
    const int64_t idle = static_cast<int64_t>(rec.lru_idle.value_or(0));
    e.lru = static_cast<uint32_t>(std::max<int64_t>(0, now_ms / 1000 - idle));
  }
  return "";
}

}  // namespace

rt::Task<LoadOutcome> load_rdb(rt::Disk& disk, std::string path, std::vector<Db>& into, const Config& config,
                               int64_t now_ms) {
  LoadOutcome out;
  auto f = co_await disk.open(path, rt::kOpenRead);
  if (!f.ok()) {
    if (f.error() == rt::Errc::kNotFound) {
      out.ok = out.missing = true;
    } else {
      out.error = path + ": cannot open the file: " + std::string(rt::errc_name(f.error()));
    }
    co_return out;
  }
  rt::FilePtr file = std::move(*f);
  rdb::FileReaderOptions options;
  options.verify_checksum = config.rdbchecksum;
  options.databases = into.size();
  rdb::FileReader reader(options);
  std::string piece(kReadPiece, '\0');
  uint64_t offset = 0;
  auto failed = [&](std::string why, uint64_t at) {
    file->close();
    out.error = path + ": " + why + " (at byte " + std::to_string(at) + ")";
    return out;
  };
  for (;;) {
    auto ev = reader.next();
    if (!ev.ok()) {
      co_return failed(ev.error().message, ev.error().offset);
    }
    if (std::holds_alternative<rdb::NeedInput>(*ev)) {
      auto n = co_await file->read_at(offset, std::span<char>(piece.data(), piece.size()));
      if (!n.ok()) {
        co_return failed("read error: " + std::string(rt::errc_name(n.error())), offset);
      }
      if (*n == 0) {
        reader.finish_input();
      } else {
        reader.feed(std::string_view(piece.data(), *n));
        offset += *n;
      }
    } else if (auto* k = std::get_if<rdb::KeyRecord>(&*ev)) {
      if (k->expire_ms && *k->expire_ms < now_ms) {
        ++out.keys_expired;  // as a master's rdbLoad does
        continue;
      }
      if (std::string why = store(*k, into, config, now_ms); !why.empty()) {
        co_return failed(why, reader.offset());
      }
      ++out.keys_loaded;
    } else if (auto* a = std::get_if<rdb::AuxField>(&*ev)) {
      if (a->field == kSlotsAuxField) {
        out.slots_aux = std::move(a->value);
      }
    } else if (std::holds_alternative<rdb::FunctionLibrary>(*ev)) {
      co_return failed("the file holds a function library (FUNCTION2), and codis-server has no functions",
                       reader.offset());
    } else if (auto* end = std::get_if<rdb::EndOfFile>(&*ev)) {
      out.bytes = end->size;
      break;
    }
  }
  file->close();
  out.ok = true;
  co_return out;
}

}  // namespace codis::server
