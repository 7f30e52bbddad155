#include "server/memory_usage.h"

#include <algorithm>

namespace codis::server {

namespace {

// ChainedDict: one node per element (the next pointer and the hash, then the value) and a bucket array of
// pointers.
constexpr size_t kSetNode = SetValue::kNodeOverhead + sizeof(std::string);
constexpr size_t kHashNode = HashValue::kNodeOverhead + 2 * sizeof(std::string);
// std::deque<std::string>: 512-byte blocks of 16 strings and a map of block pointers.
constexpr size_t kDequeBlock = 512;
constexpr size_t kPerDequeBlock = kDequeBlock / sizeof(std::string);

// Sum of f(element) over the first `samples` elements, scaled to the container's size.
template <class C, class F>
size_t sampled(const C& c, size_t samples, F f) {
  size_t n = 0, bytes = 0;
  for (const auto& x : c) {
    if (samples != 0 && n == samples) {
      break;
    }
    bytes += f(x);
    ++n;
  }
  return n == 0 || n == c.size() ? bytes : static_cast<size_t>(static_cast<double>(bytes) / n * c.size());
}

size_t value_bytes(const Object& o, size_t samples) {
  size_t bytes = malloc_chunk(o.block_bytes());
  switch (o.type()) {
    case ObjType::kString:
      return bytes;  // the string's one block
    case ObjType::kList: {
      const ListValue& l = o.list_value();
      const size_t blocks = l.size() / kPerDequeBlock + 1;
      bytes +=
          blocks * malloc_chunk(kDequeBlock) + malloc_chunk(std::max<size_t>(8, blocks + 2) * sizeof(void*));
      bytes += sampled(l, samples, [](const std::string& s) { return string_heap(s.size()); });
      return bytes;
    }
    case ObjType::kSet: {
      const SetValue& s = o.set_value();
      bytes += malloc_chunk(s.bucket_bytes());
      bytes += sampled(s, samples,
                       [](const std::string& m) { return malloc_chunk(kSetNode) + string_heap(m.size()); });
      return bytes;
    }
    case ObjType::kHash: {
      const HashValue& h = o.hash_value();
      bytes += malloc_chunk(h.bucket_bytes());
      bytes += sampled(h, samples, [](const auto& kv) {
        return malloc_chunk(kHashNode) + string_heap(kv.first.size()) + string_heap(kv.second.size());
      });
      return bytes;
    }
    case ObjType::kZSet:
      return bytes + o.zset_value().memory_usage();
  }
  return bytes;
}

}  // namespace

size_t memory_usage(std::string_view key, const Entry& e, size_t samples) {
  // The entry block (link, value pointer, access clock, key bytes) and its bucket pointer; a key with an
  // expiry also has an expiry record (key pointer and time in a hash map, plus the time index).
  size_t bytes = malloc_chunk(sizeof(Entry) + key.size()) + sizeof(void*);
  if (e.has_expire()) {
    bytes += 2 * sizeof(int64_t) + 2 * sizeof(void*);
  }
  return bytes + value_bytes(e.value, samples);
}

}  // namespace codis::server
