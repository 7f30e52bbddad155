// Reply comparison per mode (see compare.h).
#include "tests/server_diff/compare.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "tests/server_diff/command.h"

namespace codis::diff {
namespace {

using resp::Kind;
using resp::Value;

std::string display(const Value& v) {
  return resp::to_display(v);
}

std::vector<std::string> sorted_elements(const Value& v) {
  std::vector<std::string> out;
  for (const Value& e : v.elems) out.push_back(display(e));
  std::sort(out.begin(), out.end());
  return out;
}

std::string first_difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> only_a, only_b;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only_a));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only_b));
  std::string out =
      "as multisets: " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " elements";
  if (!only_a.empty()) out += "; only in reference: " + only_a.front();
  if (!only_b.empty()) out += "; only in subject: " + only_b.front();
  return out;
}

std::string exact(const Value& ref, const Value& sub) {
  return ref == sub ? "" : "replies differ";
}

std::string compare_unordered(const Value& ref, const Value& sub, bool pairs) {
  if (!ref.is_aggregate() || !sub.is_aggregate() || ref.kind != sub.kind) return exact(ref, sub);
  std::vector<std::string> a, b;
  if (pairs) {
    for (auto& [k, v] : flatten_pairs(ref)) a.push_back(k + " => " + v);
    for (auto& [k, v] : flatten_pairs(sub)) b.push_back(k + " => " + v);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
  } else {
    a = sorted_elements(ref);
    b = sorted_elements(sub);
  }
  return a == b ? "" : first_difference(a, b);
}

std::string compare_numbers(ModeChoice mode, const Value& ref, const Value& sub) {
  if (ref.kind != Kind::kInteger || sub.kind != Kind::kInteger) return exact(ref, sub);
  if (ref.num < 0 || sub.num < 0) return exact(ref, sub);  // -1/-2 codes: no key, no expiry
  int64_t allowed = mode.param;
  if (mode.mode == Mode::kApprox) allowed = std::max<int64_t>(1, ref.num * mode.param / 100);
  const int64_t diff = ref.num > sub.num ? ref.num - sub.num : sub.num - ref.num;
  if (diff <= allowed) return "";
  return "|" + std::to_string(ref.num) + " - " + std::to_string(sub.num) + "| > " + std::to_string(allowed);
}

// The count argument of SRANDMEMBER/SPOP/HRANDFIELD/ZRANDMEMBER key [count ...]; nullopt-like -1 flag
// when absent (single element reply).
bool count_argument(const std::vector<std::string>& argv, int64_t& count) {
  if (argv.size() < 3) return false;
  count = std::strtoll(argv[2].c_str(), nullptr, 10);
  return true;
}

std::string compare_random(ModeChoice mode, const std::vector<std::string>& argv, const Value& ref,
                           const Value& sub, const Content* content) {
  if (ref.is_error() || sub.is_error()) return exact(ref, sub);
  if (ref.kind != sub.kind) return "reply kinds differ";
  if (content == nullptr) return compare_shape(ref, sub);
  const bool pairs = mode.mode == Mode::kRandomPairs;
  int64_t count = 0;
  const bool has_count = count_argument(argv, count);
  const bool distinct = !has_count || count >= 0 || iequals(argv[0], "SPOP");
  if (sub.kind == Kind::kBulkString) {
    const std::string s = display(sub);
    if (std::find(content->members.begin(), content->members.end(), s) == content->members.end()) {
      return "subject returned " + s + ", not in the key's content";
    }
    return "";
  }
  if (!sub.is_aggregate()) return exact(ref, sub);
  std::set<std::string> seen;
  size_t ref_n = 0, sub_n = 0;
  if (pairs) {
    const auto ref_pairs = flatten_pairs(ref);
    const auto sub_pairs = flatten_pairs(sub);
    ref_n = ref_pairs.size();
    sub_n = sub_pairs.size();
    for (const auto& p : sub_pairs) {
      if (std::find(content->pairs.begin(), content->pairs.end(), p) == content->pairs.end()) {
        return "subject returned " + p.first + " => " + p.second + ", not in the key's content";
      }
      if (distinct && !seen.insert(p.first).second) return "subject repeated " + p.first;
    }
  } else {
    ref_n = ref.elems.size();
    sub_n = sub.elems.size();
    for (const Value& e : sub.elems) {
      const std::string s = display(e);
      if (std::find(content->members.begin(), content->members.end(), s) == content->members.end()) {
        return "subject returned " + s + ", not in the key's content";
      }
      if (distinct && !seen.insert(s).second) return "subject repeated " + s;
    }
  }
  if (ref_n != sub_n) {
    return "sizes differ: " + std::to_string(ref_n) + " vs " + std::to_string(sub_n);
  }
  return "";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> flatten_pairs(const Value& v) {
  std::vector<std::pair<std::string, std::string>> out;
  const bool nested = !v.elems.empty() && std::all_of(v.elems.begin(), v.elems.end(), [](const Value& e) {
    return e.is_aggregate() && e.elems.size() == 2;
  });
  if (nested) {
    for (const Value& e : v.elems) out.emplace_back(display(e.elems[0]), display(e.elems[1]));
  } else {
    for (size_t i = 0; i + 1 < v.elems.size(); i += 2) {
      out.emplace_back(display(v.elems[i]), display(v.elems[i + 1]));
    }
  }
  return out;
}

Content content_from(const Value& reply, bool pairs) {
  Content c;
  if (!reply.is_aggregate()) return c;
  if (pairs) {
    c.pairs = flatten_pairs(reply);
    for (const auto& p : c.pairs) c.members.push_back(p.first);
  } else {
    for (const Value& e : reply.elems) c.members.push_back(display(e));
  }
  return c;
}

std::string compare_shape(const Value& ref, const Value& sub) {
  if (ref.is_error() || sub.is_error()) return exact(ref, sub);
  if (ref.kind != sub.kind) return "reply kinds differ";
  if (ref.is_aggregate() && ref.elems.size() != sub.elems.size()) {
    return "sizes differ: " + std::to_string(ref.elems.size()) + " vs " + std::to_string(sub.elems.size());
  }
  return "";
}

std::string compare_replies(ModeChoice mode, const std::vector<std::string>& argv, const Value& ref,
                            const Value& sub, const Content* content) {
  switch (mode.mode) {
    case Mode::kExact:
    case Mode::kLexRange:  // the runner only sends it when the result is defined
    case Mode::kScan:      // the runner compares the collected sets as sorted arrays
      return exact(ref, sub);
    case Mode::kUnordered:
      return compare_unordered(ref, sub, false);
    case Mode::kUnorderedPairs:
      return compare_unordered(ref, sub, true);
    case Mode::kTypeOnly:
    case Mode::kDump:
      if (ref.is_error() || sub.is_error()) return exact(ref, sub);
      return ref.kind == sub.kind ? "" : "reply kinds differ";
    case Mode::kTolerance:
    case Mode::kIdleTime:  // the runner asks OBJECT REFCOUNT when this fails
    case Mode::kApprox:
      return compare_numbers(mode, ref, sub);
    case Mode::kRandomMembers:
    case Mode::kRandomPairs:
    case Mode::kPopRestore:
      return compare_random(mode, argv, ref, sub, content);
  }
  return exact(ref, sub);
}

}  // namespace codis::diff
