// SORT and SORT_RO (Redis 7.0 sort.c): sort a list, set or sorted set by its elements or by values found
// through BY patterns (keys "w_*" or hash fields "h_*->f"), with LIMIT, GET patterns, ASC/DESC, ALPHA and
// (SORT only) STORE into a list.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "server/families/util.h"
#include "server/registry.h"

namespace codis::server {

namespace {

struct SortArgs {
  bool desc = false;
  bool alpha = false;
  bool dontsort = false;  // BY a pattern without '*': keep the container's own order
  int64_t limit_start = 0;
  int64_t limit_count = -1;
  std::string_view by;  // empty view with has_by false: no BY
  bool has_by = false;
  bool has_store = false;
  std::string_view store;
  std::vector<std::string_view> gets;
};

// Parses argv[2..]; replies and returns false on an error (Redis stops at the first one).
bool parse_sort(CommandContext& ctx, bool readonly, SortArgs* a) {
  for (size_t j = 2; j < ctx.argc(); ++j) {
    const std::string_view w = ctx.arg(j);
    const size_t left = ctx.argc() - j - 1;
    if (iequals(w, "asc")) {
      a->desc = false;
    } else if (iequals(w, "desc")) {
      a->desc = true;
    } else if (iequals(w, "alpha")) {
      a->alpha = true;
    } else if (iequals(w, "limit") && left >= 2) {
      if (!parse_int(ctx, ctx.arg(j + 1), &a->limit_start) ||
          !parse_int(ctx, ctx.arg(j + 2), &a->limit_count)) {
        return false;
      }
      j += 2;
    } else if (!readonly && iequals(w, "store") && left >= 1) {
      a->has_store = true;
      a->store = ctx.arg(++j);
    } else if (iequals(w, "by") && left >= 1) {
      a->has_by = true;
      a->by = ctx.arg(++j);
      // strchr on the C string: a '*' after a NUL byte does not count.
      const std::string_view c = a->by.substr(0, a->by.find('\0'));
      a->dontsort = c.find('*') == std::string_view::npos;
    } else if (iequals(w, "get") && left >= 1) {
      a->gets.push_back(ctx.arg(++j));
    } else {
      ctx.out.error(err::kSyntax);
      return false;
    }
  }
  return true;
}

// Redis lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by the
// element, and "->field" after it (with a non-empty field) reads a hash field instead of a string key.
// Returns false when there is no such value (missing key, wrong type, no '*', missing field).
bool lookup_by_pattern(CommandContext& ctx, std::string_view pattern, std::string_view elem,
                       std::string& keybuf, std::string_view* out) {
  const std::string_view cpat = pattern.substr(0, pattern.find('\0'));  // Redis scans it as a C string
  if (cpat == "#") {
    *out = elem;
    return true;
  }
  const size_t star = cpat.find('*');
  if (star == std::string_view::npos) {
    return false;
  }
  const size_t arrow = cpat.find("->", star + 1);
  size_t fieldlen = 0;
  if (arrow != std::string_view::npos && arrow + 2 < cpat.size()) {
    fieldlen = pattern.size() - arrow - 2;
  }
  const size_t postfix = pattern.size() - star - 1 - (fieldlen ? fieldlen + 2 : 0);
  keybuf.assign(pattern.substr(0, star));
  keybuf.append(elem);
  keybuf.append(pattern.substr(star + 1, postfix));
  Entry* e = ctx.db().find(keybuf, ctx.now_ms);
  if (e == nullptr) {
    ++ctx.server.stats().keyspace_misses;
    return false;
  }
  ++ctx.server.stats().keyspace_hits;
  if (fieldlen == 0) {
    if (!e->value.is(ObjType::kString)) {
      return false;
    }
    *out = e->value.str();
    return true;
  }
  if (!e->value.is(ObjType::kHash)) {
    return false;
  }
  const HashValue& h = e->value.hash_value();
  auto it = h.find(pattern.substr(arrow + 2));
  if (it == h.end()) {
    return false;
  }
  *out = it->second;
  return true;
}

// Redis parses sort weights with strtod over the whole C string: leading spaces, hex floats, "inf" pass;
// trailing bytes, overflow/underflow (ERANGE) and NaN fail.
bool parse_weight(std::string_view s, double* out) {
  int64_t i;
  if (resp::parse_ll(s, &i)) {  // Redis's int-encoded values skip strtod; the double is the same
    *out = static_cast<double>(i);
    return true;
  }
  char small[64];
  std::string big;
  const char* p;
  const size_t n = s.find('\0') == std::string_view::npos ? s.size() : s.find('\0');
  if (n < sizeof(small)) {
    std::memcpy(small, s.data(), n);
    small[n] = '\0';
    p = small;
  } else {
    big.assign(s.substr(0, n));
    p = big.c_str();
  }
  char* end;
  errno = 0;
  *out = std::strtod(p, &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*out);
}

// strcmp/strcoll (C.UTF-8 collates by code point, which is byte order) stop at the first NUL: comparing
// views cut there with memcmp gives the same order.
std::string_view c_string(std::string_view s) {
  return s.substr(0, s.find('\0'));
}

// Redis compareStringObjects (binary): memcmp, then length.
int compare_binary(std::string_view a, std::string_view b) {
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

struct Item {
  explicit Item(std::string_view e) : elem(e) {}
  std::string_view elem;
  double score = 0;
  std::string_view cmp;  // ALPHA: the bytes compared (the BY value or the element)
  bool has_cmp = false;  // ALPHA BY: a value was found
};

void cmd_sort_generic(CommandContext& ctx, bool readonly) {
  SortArgs a;
  if (!parse_sort(ctx, readonly, &a)) {
    return;
  }
  Entry* src = ctx.db().find(ctx.arg(1), ctx.now_ms);
  if (src == nullptr) {
    ++ctx.server.stats().keyspace_misses;
  } else {
    ++ctx.server.stats().keyspace_hits;
    if (!src->value.is(ObjType::kList) && !src->value.is(ObjType::kSet) && !src->value.is(ObjType::kZSet)) {
      ctx.out.error(err::kWrongType);
      return;
    }
  }
  const ObjType type = src == nullptr ? ObjType::kList : src->value.type();
  // An unsorted set would replicate nondeterministically: Redis sorts it ALPHA when storing.
  if (a.dontsort && type == ObjType::kSet && a.has_store) {
    a.dontsort = false;
    a.alpha = true;
    a.has_by = false;
  }
  if (type == ObjType::kZSet && src->value.zset_value().encoding() != ds::ZEncoding::kSkiplist) {
    src->value.zset_value().convert(ds::ZEncoding::kSkiplist);  // Redis converts destructively too
  }
  int64_t len = 0;
  if (src != nullptr) {
    switch (type) {
      case ObjType::kList:
        len = static_cast<int64_t>(src->value.list_value().size());
        break;
      case ObjType::kSet:
        len = static_cast<int64_t>(src->value.set_value().size());
        break;
      default:
        len = static_cast<int64_t>(src->value.zset_value().size());
        break;
    }
  }
  // Redis's LIMIT clamping.
  int64_t start = std::min(std::max<int64_t>(a.limit_start, 0), len);
  const int64_t count = std::min(std::max<int64_t>(a.limit_count, -1), len);
  int64_t end = count < 0 ? len : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) {
    end = len - 1;
  }

  std::vector<Item> v;
  const bool ordered = type == ObjType::kList || type == ObjType::kZSet;
  if (src != nullptr && ordered && a.dontsort) {
    // Only the requested range, in the container's order (reversed for DESC).
    if (end >= start) {
      v.reserve(static_cast<size_t>(end - start + 1));
      if (type == ObjType::kList) {
        const ListValue& l = src->value.list_value();
        for (int64_t i = start; i <= end; ++i) {
          v.emplace_back(a.desc ? l[static_cast<size_t>(len - 1 - i)] : l[static_cast<size_t>(i)]);
        }
      } else {
        src->value.zset_value().range_by_rank(static_cast<size_t>(start), static_cast<size_t>(end), a.desc,
                                              [&](std::string_view m, double) { v.emplace_back(m); });
      }
    }
    end -= start;
    start = 0;
  } else if (src != nullptr) {
    v.reserve(static_cast<size_t>(len));
    switch (type) {
      case ObjType::kList:
        for (const auto& s : src->value.list_value()) {
          v.emplace_back(s);
        }
        break;
      case ObjType::kSet:
        for (const auto& s : src->value.set_value()) {
          v.emplace_back(s);
        }
        break;
      default:
        src->value.zset_value().for_each([&](std::string_view m, double) { v.emplace_back(m); });
        break;
    }
  }

  bool conversion_error = false;
  std::string keybuf;
  if (!a.dontsort) {
    for (Item& it : v) {
      std::string_view by = it.elem;
      if (a.has_by && !lookup_by_pattern(ctx, a.by, it.elem, keybuf, &by)) {
        continue;  // a missing weight: score 0, or an ALPHA value that sorts first
      }
      if (a.alpha) {
        // STORE compares whole strings (compareStringObjects), replies C strings (strcoll).
        it.cmp = a.has_store ? by : c_string(by);
        it.has_cmp = true;
      } else if (!parse_weight(by, &it.score)) {
        conversion_error = true;
      }
    }
    const bool desc = a.desc, alpha = a.alpha;
    auto compare = [alpha](const Item& x, const Item& y) {
      if (!alpha) {
        if (x.score != y.score) {
          return x.score < y.score ? -1 : 1;
        }
        return compare_binary(x.elem, y.elem);
      }
      if (!x.has_cmp || !y.has_cmp) {  // BY found no value: first
        return x.has_cmp == y.has_cmp ? 0 : (x.has_cmp ? 1 : -1);
      }
      return compare_binary(x.cmp, y.cmp);
    };
    // glibc's qsort is a merge sort: stable, which decides the order of ALPHA BY ties.
    std::stable_sort(v.begin(), v.end(), [&](const Item& x, const Item& y) {
      const int c = compare(x, y);
      return desc ? c > 0 : c < 0;
    });
  }

  const size_t n = end >= start ? static_cast<size_t>(end - start + 1) : 0;
  const size_t outputlen = a.gets.empty() ? n : a.gets.size() * n;
  if (conversion_error) {
    ctx.out.error("ERR One or more scores can't be converted into double");
    return;
  }
  if (!a.has_store) {
    ctx.out.array(outputlen);
    for (size_t j = 0; j < n; ++j) {
      const std::string_view elem = v[static_cast<size_t>(start) + j].elem;
      if (a.gets.empty()) {
        ctx.out.bulk(elem);
      }
      for (std::string_view pat : a.gets) {
        std::string_view val;
        if (lookup_by_pattern(ctx, pat, elem, keybuf, &val)) {
          ctx.out.bulk(val);
        } else {
          ctx.out.null();
        }
      }
    }
    return;
  }
  Object o = Object::list();
  ListValue& list = o.list_value();
  for (size_t j = 0; j < n; ++j) {
    const std::string_view elem = v[static_cast<size_t>(start) + j].elem;
    if (a.gets.empty()) {
      list.emplace_back(elem);
    }
    for (std::string_view pat : a.gets) {
      std::string_view val;
      list.emplace_back(lookup_by_pattern(ctx, pat, elem, keybuf, &val) ? val : std::string_view());
    }
  }
  if (outputlen > 0) {
    ctx.db().set(a.store, std::move(o));
    ctx.touched(a.store);
    ctx.server.stats().dirty += outputlen - 1;  // Redis adds outputlen to dirty
  } else if (ctx.db().remove(a.store)) {
    ctx.touched(a.store);
  }
  ctx.out.integer(static_cast<int64_t>(outputlen));
}

void cmd_sort(CommandContext& ctx) {
  cmd_sort_generic(ctx, false);
}
void cmd_sort_ro(CommandContext& ctx) {
  cmd_sort_generic(ctx, true);
}

}  // namespace

void register_sort_family(Registry& r) {
  r.add("sort", cmd_sort);
  r.add("sort_ro", cmd_sort_ro);
}

}  // namespace codis::server
