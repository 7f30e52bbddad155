// Properties of the RDB file codec: reading what the writer wrote gives back every key (db, name, value,
// encoding, expiry, LRU/LFU info) and aux field, whatever the options and however the input is cut into
// pieces; and a file cut short anywhere is refused as truncated, never read as a shorter valid file.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "props/pick.h"
#include "props/server_rdb/generators.h"
#include "tests/server_rdb/file_util.h"

namespace codis::server::rdb {
namespace {

using props::gen_element;
using props::gen_encoded;
using testing::FileKey;

DumpValue canonical(DumpValue v) {
  std::sort(v.zmembers.begin(), v.zmembers.end());
  if (v.type == ValueType::kSet) std::sort(v.elems.begin(), v.elems.end());
  return v;
}

rc::Gen<std::vector<FileKey>> gen_keys() {
  return rc::gen::exec([] {
    std::vector<FileKey> keys;
    const size_t n = *rc::gen::inRange<size_t>(0, 12);
    for (size_t i = 0; i < n; ++i) {
      FileKey k;
      k.db = static_cast<uint64_t>(codis::props::choice(4));
      k.key = *gen_element() + "#" + std::to_string(i);  // unique within the file
      const auto e = *gen_encoded();
      k.value = e.value;
      k.type = e.type;
      if (codis::props::choice(2)) k.meta.expire_ms = *rc::gen::arbitrary<int64_t>();
      switch (codis::props::choice(3)) {
        case 0:
          k.meta.lru_idle = *rc::gen::arbitrary<uint64_t>();
          break;
        case 1:
          k.meta.lfu_freq = *rc::gen::arbitrary<uint8_t>();
          break;
        default:
          break;
      }
      keys.push_back(std::move(k));
    }
    std::stable_sort(keys.begin(), keys.end(),
                     [](const FileKey& a, const FileKey& b) { return a.db < b.db; });
    return keys;
  });
}

RC_GTEST_PROP(FileProps, ReadOfWriteIsIdentity, ()) {
  const auto keys = *gen_keys();
  FileWriterOptions o;
  o.compress = *rc::gen::arbitrary<bool>();
  o.checksum = *rc::gen::arbitrary<bool>();
  o.list_max_listpack_size = *rc::gen::elementOf(std::vector<int>{-2, -1, 1, 5});
  AuxInfo aux;
  aux.redis_ver = *gen_element();
  aux.ctime = *rc::gen::arbitrary<int64_t>();
  aux.used_mem = *rc::gen::arbitrary<uint64_t>();
  const std::string file = testing::write_file(keys, o, aux);
  RC_ASSERT(!file.empty());
  const auto pieces =
      *rc::gen::nonEmpty(rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, 300)));
  const auto r = testing::read_file(file, pieces);
  RC_ASSERT(!r.error.has_value());
  RC_ASSERT(r.end.size == file.size());
  RC_ASSERT(r.end.checksum_verified == o.checksum);
  RC_ASSERT(r.aux.size() == 5u);
  RC_ASSERT(r.aux[0].value == aux.redis_ver);
  RC_ASSERT(r.aux[2].value == std::to_string(aux.ctime));
  RC_ASSERT(r.aux[3].value == std::to_string(aux.used_mem));
  RC_ASSERT(r.keys.size() == keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    RC_ASSERT(r.keys[i].db == keys[i].db);
    RC_ASSERT(r.keys[i].key == keys[i].key);
    RC_ASSERT(r.keys[i].object.rdb_type == keys[i].type);
    RC_ASSERT(canonical(r.keys[i].object.value) == canonical(keys[i].value));
    RC_ASSERT(r.keys[i].expire_ms == keys[i].meta.expire_ms);
    RC_ASSERT(r.keys[i].lru_idle == keys[i].meta.lru_idle);
    RC_ASSERT(r.keys[i].lfu_freq == keys[i].meta.lfu_freq);
  }
}

RC_GTEST_PROP(FileProps, EveryPrefixIsRefusedAsTruncated, ()) {
  const auto keys = *gen_keys();
  const std::string file = testing::write_file(keys);
  const size_t cut = *rc::gen::inRange<size_t>(0, file.size());
  const auto r =
      testing::read_file(std::string_view(file).substr(0, cut), {*rc::gen::inRange<size_t>(1, 100)});
  RC_ASSERT(r.error.has_value());
  RC_ASSERT(r.error->code == FileErrc::kTruncated);
  RC_ASSERT(r.error->offset <= cut);
}

}  // namespace
}  // namespace codis::server::rdb
