// Value pools for the stream generator (see gen.h).
#include "tests/server_diff/gen.h"

namespace codis::diff {
namespace {

// 20 keys: plain, sharing a hash tag (multi-key commands in one slot), an empty tag, and the targets of
// the SORT patterns the generator uses (w_* weights, h_*->f hash fields).
const std::vector<std::string> kKeys = {"k0",  "k1",   "k2",   "k3",   "k4",   "k5", "k6",
                                        "k7",  "{t}a", "{t}b", "{t}c", "{t}d", "n0", "n1",
                                        "w_1", "w_2",  "w_3",  "h_1",  "h_2",  "{}e"};
// Most commands hit a few hot keys, so types collide and operations build on each other.
const std::vector<std::string> kHotKeys = {"k0", "k1", "k2", "{t}a", "{t}b", "n0"};

const std::vector<std::string> kValues = {"",
                                          "a",
                                          "b",
                                          "abc",
                                          "hello world",
                                          "foobar",
                                          "0",
                                          "1",
                                          "-1",
                                          "2",
                                          "10",
                                          "42",
                                          "100",
                                          "007",
                                          "3.14",
                                          "-2.5",
                                          "1e3",
                                          "9223372036854775807",
                                          "-9223372036854775808",
                                          "9223372036854775808",
                                          "inf",
                                          "nan",
                                          " 5",
                                          "+1",
                                          "0x10",
                                          std::string("\x00\x01\xff", 3),
                                          "1.0",
                                          "w",
                                          "x\r\ny"};

const std::vector<std::string> kWords = {"a", "b", "c", "d", "e", "f", "apple", "banana", "", "x y"};

// Per-family key pools, disjoint: types still collide through the share of any-key picks and through
// RENAME, COPY, MOVE and the *STORE commands.
struct Pool {
  std::string_view family;
  std::vector<std::string> keys;
};
const std::vector<Pool> kPools = {
    {"strings", {"k0", "k1", "n0", "w_1", "w_2", "w_3"}},
    {"lists", {"k2", "k3", "{t}b"}},
    {"hashes", {"k4", "h_1", "h_2"}},
    {"sets", {"k5", "k6", "{t}a"}},
    {"zsets", {"k7", "{t}c", "{t}d"}},
    {"hll", {"n1", "{}e"}},
};

}  // namespace

void Gen::set_family(std::string_view family) {
  pool_ = nullptr;
  // Type-agnostic families (keys, db, object) work on one type's keys at a time, so RENAME, COPY or
  // SORT mostly move a value between keys of its own type.
  if (family == "keys" || family == "db" || family == "object") {
    pool_ = &kPools[rng_.below(kPools.size())].keys;
    return;
  }
  for (const Pool& p : kPools) {
    if (p.family == family) pool_ = &p.keys;
  }
}

std::string Gen::key() {
  if (pool_ != nullptr && chance(90)) return rng_.pick(*pool_);
  return chance(60) ? rng_.pick(kHotKeys) : rng_.pick(kKeys);
}

std::vector<std::string> Gen::keys(int lo, int hi) {
  std::vector<std::string> out;
  const int64_t n = range(lo, hi);
  for (int64_t i = 0; i < n; ++i) out.push_back(key());
  return out;
}

std::string Gen::value() {
  // Long values push hashes and sorted sets past their compact-encoding value size (64 bytes).
  if (chance(3)) return std::string(static_cast<size_t>(range(60, 90)), static_cast<char>('a' + range(0, 3)));
  return rng_.pick(kValues);
}

std::string Gen::member() {
  if (chance(55)) return num(0, 20);
  if (chance(5)) return pick_str({"-5", "100000", "9223372036854775807", "1.5", "01"});
  if (chance(3)) return std::string(70, 'm');
  return rng_.pick(kWords);
}

std::string Gen::field() {
  if (chance(15)) return "f";  // the field SORT ... GET h_*->f reads
  if (chance(10)) return num(0, 5);
  return "f" + num(0, 7);
}

std::string Gen::zmember() {
  if (chance(3)) return std::string(70, 'z');
  return std::string(1, static_cast<char>('a' + range(0, 9)));
}

std::string Gen::score() {
  if (chance(70)) return num(-3, 10);
  return pick_str({"1.5", "-2.25", "0.1", "1e2", "inf", "-inf", "+inf", "-0", "3.0", "1e-5",
                   "1.7976931348623157e308", "0x10", "nan", "abc", ""});
}

std::string Gen::integer() {
  if (chance(75)) return num(-5, 20);
  return pick_str({"100", "-100", "1000000", "9223372036854775807", "-9223372036854775808",
                   "9223372036854775808", "1.5", "abc", " 1", ""});
}

std::string Gen::float_incr() {
  if (chance(50)) return num(-5, 10);
  return pick_str({"0.1", "1.5", "-2.25", "1e2", "3.0e-2", "5.0e3", "10.50", "inf", "nan", "1e400",
                   "1.7976931348623157e308", "abc"});
}

std::string Gen::index() {
  if (chance(85)) return num(-6, 8);
  return pick_str(
      {"100", "-100", "9223372036854775807", "-9223372036854775808", "99999999999999999999", "abc", "1.0"});
}

std::string Gen::count() {
  if (chance(80)) return num(0, 6);
  return pick_str({"-1", "-3", "-10", "100", "-9223372036854775808", "abc"});
}

std::string Gen::score_bound() {
  if (chance(60)) return (chance(30) ? "(" : "") + num(-3, 10);
  return pick_str({"-inf", "+inf", "inf", "(1.5", "2.5", "(-inf", "abc", "(", "1e1"});
}

std::string Gen::lex_bound() {
  if (chance(80)) {
    return std::string(chance(50) ? "[" : "(") + static_cast<char>('a' + range(0, 9));
  }
  return pick_str({"-", "+", "a", "[", "(", "[", "-a", "+z"});
}

std::string Gen::pattern() {
  return pick_str({"*", "k*", "k?", "k[0-3]", "{t}*", "\\{t\\}a", "*_*", "w_[12]", "h_*", "nomatch*", "[^k]*",
                   "*a*", "n[!0]", "?"});
}

int64_t Gen::unique_second() {
  // Distinct seconds, so two relative TTLs of a stream are at least 500 ms apart (see ttl_millis).
  for (;;) {
    const int64_t s = range(100, 1000000);
    if (used_seconds_.insert(s).second) return s;
  }
}

std::string Gen::ttl_seconds() {
  return std::to_string(unique_second());
}

std::string Gen::ttl_millis() {
  return std::to_string(unique_second() * 1000 + 500);
}

std::string Gen::at_seconds(bool past_ok) {
  if (past_ok && chance(30)) return num(1, 1000000000);  // long past: the key is deleted at once
  return std::to_string(3000000000LL + unique_second());
}

std::string Gen::at_millis(bool past_ok) {
  if (past_ok && chance(30)) return num(1, 1000000000000);
  return std::to_string((3000000000LL + unique_second()) * 1000 + 500);
}

}  // namespace codis::diff
