// The vocabulary command streams are built from: a small keyspace (hash tags, SORT pattern keys), small
// values that are often numbers, members, scores, ranges, and TTLs chosen so that no reply depends on
// when exactly a command runs (see ttl_* below). One Gen per stream; each family (gen_*.cc) appends
// commands using it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tests/server_diff/command.h"
#include "tests/server_diff/rng.h"

namespace codis::diff {

class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}

  Rng& rng() { return rng_; }
  bool chance(int percent) { return rng_.chance(percent); }
  int64_t range(int64_t lo, int64_t hi) { return rng_.range(lo, hi); }
  std::string num(int64_t lo, int64_t hi) { return std::to_string(range(lo, hi)); }
  template <class T>
  const T& pick(std::initializer_list<T> options) {
    return options.begin()[rng_.below(options.size())];
  }
  std::string pick_str(std::initializer_list<const char*> options) { return pick(options); }

  // Each type family mostly uses its own few keys (the rest of the time any key), so most commands
  // meet a key of their type and the share of WRONGTYPE errors stays small; "" means any key.
  void set_family(std::string_view family);
  std::string key();  // one of the 20 keys
  std::vector<std::string> keys(int lo, int hi);
  std::string value();        // strings, numeric strings, binary, sometimes long
  std::string member();       // set/list members: mostly small integers (intsets) and short words
  std::string field();        // hash fields
  std::string zmember();      // sorted set members (letters, so lex ranges mean something)
  std::string score();        // valid scores mostly, including inf and exponents
  std::string integer();      // INCRBY-style increments, including the int64 limits
  std::string float_incr();   // INCRBYFLOAT increments
  std::string index();        // list/string indexes: small, negative, sometimes huge
  std::string count();        // small counts, sometimes negative or zero
  std::string score_bound();  // ZRANGEBYSCORE min/max: "(1", "-inf", ...
  std::string lex_bound();    // ZRANGEBYLEX min/max: "[a", "(b", "-", "+", sometimes invalid
  std::string pattern();      // KEYS/SCAN MATCH patterns
  std::string timeout() { return "0.01"; }  // blocking commands never wait long
  std::string db() { return chance(90) ? num(0, 2) : pick_str({"15", "16", "-1", "abc"}); }

  // Expiry values. Relative ones are distinct within a stream and at least 500 ms apart, in [100 s,
  // 10^6 s]; absolute ones are either long past (the key goes at once) or beyond year 2065. So GT/LT
  // decisions and deletions never depend on the milliseconds between the two servers.
  std::string ttl_seconds();  // EX / EXPIRE
  std::string ttl_millis();   // PX / PEXPIRE / RESTORE ttl
  // `past_ok`: false for SET's EXAT/PXAT, which Redis stores and reclaims later (DBSIZE would count the
  // dead key for a moment that differs between servers); EXPIREAT, GETEX and RESTORE delete at once.
  std::string at_seconds(bool past_ok = true);  // EXAT / EXPIREAT
  std::string at_millis(bool past_ok = true);   // PXAT / PEXPIREAT / RESTORE ABSTTL
  // Zero or negative (deletes, or "invalid expire time" where Redis refuses it).
  std::string ttl_nonpositive() { return pick_str({"0", "-1", "-100"}); }

  Command cmd(std::vector<std::string> argv) { return Command{std::move(argv)}; }

 private:
  int64_t unique_second();

  Rng rng_;
  std::set<int64_t> used_seconds_;
  const std::vector<std::string>* pool_ = nullptr;
};

// A family appends one or more commands (MULTI blocks are several) to `out`.
using FamilyFn = void (*)(Gen& g, std::vector<Command>& out);

struct Family {
  std::string_view name;
  FamilyFn generate;
  int weight;
};

void gen_strings(Gen& g, std::vector<Command>& out);
void gen_keys(Gen& g, std::vector<Command>& out);
void gen_lists(Gen& g, std::vector<Command>& out);
void gen_hashes(Gen& g, std::vector<Command>& out);
void gen_sets(Gen& g, std::vector<Command>& out);
void gen_zsets(Gen& g, std::vector<Command>& out);
void gen_hll(Gen& g, std::vector<Command>& out);
void gen_db(Gen& g, std::vector<Command>& out);
void gen_object(Gen& g, std::vector<Command>& out);

}  // namespace codis::diff
