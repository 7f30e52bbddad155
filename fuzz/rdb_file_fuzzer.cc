// libFuzzer target for the RDB file reader (server/rdb/file_reader.h), which loads dump.rdb files a user
// hands us at start-up. Input: byte 0 is the fragment knob (fuzz_check.h), byte 1 the mode: bit 0 set
// means the rest is the body of a file and gets a "REDIS0010" header, the EOF opcode and a correct
// checksum around it, so mutations reach the records instead of dying at the checksum; clear means the
// rest is a whole file. At most 256 KiB.
// Oracles: no crash, leak or runaway allocation (decode budget 64 MiB); an error names an offset within
// the input and a message; the input fed in fragments gives the same events and outcome as fed whole;
// whatever loads, written again by FileWriter, loads back to the same keys.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "server/rdb/byte_io.h"
#include "server/rdb/crc64.h"
#include "server/rdb/file_reader.h"
#include "server/rdb/file_writer.h"

namespace {

using namespace codis::server::rdb;  // NOLINT: a fuzz target's one namespace

struct Outcome {
  std::vector<KeyRecord> keys;
  std::vector<std::string> other;  // aux fields, hints and functions, as text
  bool ok = false;
  FileErrc code{};
  uint64_t offset = 0;
  uint64_t end = 0;
};

Outcome load(std::string_view file, const std::vector<size_t>& pieces) {
  FileReaderOptions options;
  options.decode.max_decoded_bytes = uint64_t{64} << 20;
  FileReader r(options);
  Outcome out;
  size_t at = 0;
  size_t i = 0;
  for (;;) {
    auto ev = r.next();
    if (!ev.ok()) {
      FUZZ_CHECK(!ev.error().message.empty());
      FUZZ_CHECK(ev.error().offset <= file.size());
      out.code = ev.error().code;
      out.offset = ev.error().offset;
      return out;
    }
    if (std::holds_alternative<NeedInput>(*ev)) {
      if (at == file.size()) {
        r.finish_input();
        continue;
      }
      size_t n = pieces.empty() ? file.size() - at : pieces[i++ % pieces.size()];
      if (n == 0 || n > file.size() - at) n = file.size() - at;
      r.feed(file.substr(at, n));
      at += n;
    } else if (auto* k = std::get_if<KeyRecord>(&*ev)) {
      out.keys.push_back(std::move(*k));
    } else if (auto* a = std::get_if<AuxField>(&*ev)) {
      out.other.push_back("aux " + a->field + "=" + a->value);
    } else if (auto* h = std::get_if<ResizeDbHint>(&*ev)) {
      out.other.push_back("resize " + std::to_string(h->db) + " " + std::to_string(h->keys));
    } else if (auto* f = std::get_if<FunctionLibrary>(&*ev)) {
      out.other.push_back("function " + f->code);
    } else {
      out.ok = true;
      out.end = std::get<EndOfFile>(*ev).size;
      FUZZ_CHECK(out.end <= file.size());
      return out;
    }
  }
}

// Orders the encoder imposes (skiplists and intsets are written sorted) do not count.
DumpValue canonical(DumpValue v) {
  std::sort(v.zmembers.begin(), v.zmembers.end());
  if (v.type == ValueType::kSet) std::sort(v.elems.begin(), v.elems.end());
  return v;
}

bool same_keys(const std::vector<KeyRecord>& a, const std::vector<KeyRecord>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].db != b[i].db || a[i].key != b[i].key || a[i].object.rdb_type != b[i].object.rdb_type ||
        !(canonical(a[i].object.value) == canonical(b[i].object.value)) || a[i].expire_ms != b[i].expire_ms ||
        a[i].lru_idle != b[i].lru_idle || a[i].lfu_freq != b[i].lfu_freq) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > (1 << 18)) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::string file;
  if (data[1] & 1) {
    file = "REDIS0010";
    file.append(rest);
    file.push_back(static_cast<char>(0xff));
    append_le(crc64(0, file), 8, &file);
  } else {
    file.assign(rest);
  }

  const Outcome whole = load(file, {});
  const Outcome split = load(file, codis::fuzz::fragments(data[0], file.size()));
  FUZZ_CHECK(whole.ok == split.ok);
  FUZZ_CHECK(whole.code == split.code);
  FUZZ_CHECK(whole.offset == split.offset);
  FUZZ_CHECK(whole.other == split.other);
  FUZZ_CHECK(same_keys(whole.keys, split.keys));
  if (!whole.ok) return 0;

  // Write what loaded (keys in file order, dbs as they come) and load it again.
  FileWriter w;
  std::string again;
  w.begin({}, &again);
  for (size_t i = 0; i < whole.keys.size(); ++i) {
    const KeyRecord& k = whole.keys[i];
    if (i == 0 || k.db != whole.keys[i - 1].db) w.select_db(k.db, 1, 0, &again);
    const KeyMeta meta{k.expire_ms, k.lru_idle, k.lfu_freq};
    FUZZ_CHECK(w.key(k.key, k.object.value, k.object.rdb_type, meta, &again).ok());
  }
  w.finish(&again);
  const Outcome back = load(again, {});
  FUZZ_CHECK(back.ok);
  FUZZ_CHECK(same_keys(back.keys, whole.keys));
  return 0;
}
