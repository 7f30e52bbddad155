#include "server/slots/lazy_free.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "server/value_length.h"

namespace codis::server {
namespace {

// Removes about n elements of a table, continuing its scan cursor: the table neither grows nor shrinks
// while only erased from, so the buckets before the cursor are empty and each step costs its own elements.
template <class Dict, class KeyOf>
uint64_t trim_dict(Dict& d, uint64_t cursor, size_t n, KeyOf key_of) {
  std::vector<std::string> doomed;
  do {
    cursor = d.scan(cursor, [&](const auto& v) { doomed.emplace_back(key_of(v)); });
  } while (cursor != 0 && doomed.size() < n);
  for (const auto& k : doomed) {
    d.erase(k);
  }
  return cursor;
}

// glibc keeps small freed blocks in its fastbins and merges them all at once at the next large allocation or
// mallinfo2 (the cron reads memory once a second): after a few million frees that one merge stalls the server
// for hundreds of milliseconds. A large allocation after each step merges them a step's worth at a time.
void merge_freed_blocks() {
  void* volatile block = std::malloc(64 * 1024);
  std::free(block);
}

}  // namespace

void LazyFree::add(Object o) {
  if (value_length(o) > kStep) {
    values_.push_back(std::move(o));
  }
}

bool LazyFree::step(size_t budget) {
  if (values_.empty()) {
    return false;
  }
  struct Merge {
    ~Merge() { merge_freed_blocks(); }
  } merge;  // after whatever this step frees
  Object& o = values_.front();
  if (value_length(o) <= budget) {
    values_.pop_front();
    cursor_ = 0;
    return !values_.empty();
  }
  switch (o.type()) {
    case ObjType::kList:
      for (size_t i = 0; i < budget; ++i) {
        o.list_value().pop_back();
      }
      break;
    case ObjType::kHash:
      cursor_ = trim_dict(o.hash_value(), cursor_, budget,
                          [](const auto& kv) -> const std::string& { return kv.first; });
      break;
    case ObjType::kSet:
      cursor_ = trim_dict(o.set_value(), cursor_, budget,
                          [](const std::string& m) -> const std::string& { return m; });
      break;
    case ObjType::kZSet:
      o.zset_value().erase_rank_range(0, budget - 1);
      break;
    default:
      values_.pop_front();
      break;
  }
  return true;
}

}  // namespace codis::server
