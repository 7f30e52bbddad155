#include "server/families/list_ops.h"

#include <algorithm>

#include "server/families/util.h"

namespace codis::server::listops {

bool parse_end(std::string_view s, End* out) {
  if (iequals(s, "left")) {
    *out = End::kHead;
    return true;
  }
  if (iequals(s, "right")) {
    *out = End::kTail;
    return true;
  }
  return false;
}

bool clamp_range(int64_t len, int64_t* start, int64_t* end) {
  if (*start < 0) {
    *start += len;
  }
  if (*end < 0) {
    *end += len;
  }
  if (*start < 0) {
    *start = 0;
  }
  if (*start > *end || *start >= len) {
    return false;
  }
  if (*end >= len) {
    *end = len - 1;
  }
  return true;
}

int64_t trim(ListValue& l, int64_t start, int64_t end) {
  const int64_t len = static_cast<int64_t>(l.size());
  if (!clamp_range(len, &start, &end)) {
    l.clear();
    return len;
  }
  // Tail first so the head erase does not shift what the tail erase addresses.
  l.erase(l.begin() + end + 1, l.end());
  l.erase(l.begin(), l.begin() + start);
  return len - (end - start + 1);
}

int64_t remove(ListValue& l, std::string_view v, int64_t count) {
  // |count| without overflow: INT64_MIN means "more than any list holds".
  const uint64_t limit =
      count == 0 ? UINT64_MAX
                 : (count < 0 ? static_cast<uint64_t>(-(count + 1)) + 1 : static_cast<uint64_t>(count));
  uint64_t removed = 0;
  if (count >= 0) {
    auto keep = std::remove_if(l.begin(), l.end(), [&](const std::string& e) {
      if (removed < limit && e == v) {
        ++removed;
        return true;
      }
      return false;
    });
    l.erase(keep, l.end());
  } else {
    auto keep = std::remove_if(l.rbegin(), l.rend(), [&](const std::string& e) {
      if (removed < limit && e == v) {
        ++removed;
        return true;
      }
      return false;
    });
    l.erase(l.begin(), keep.base());
  }
  return static_cast<int64_t>(removed);
}

bool insert(ListValue& l, std::string_view pivot, std::string_view v, bool after) {
  auto it = std::find(l.begin(), l.end(), pivot);
  if (it == l.end()) {
    return false;
  }
  l.emplace(after ? it + 1 : it, v);
  return true;
}

}  // namespace codis::server::listops
