// RapidCheck generators for the DUMP codec: elements biased towards the texts that change encodings
// (canonical integers at width boundaries, near-integers, long repetitive strings that LZF compresses),
// scores including the special ones, unique collections, and encodings that can hold a given value.
#pragma once

#include <rapidcheck.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "props/pick.h"
#include "server/rdb/number.h"
#include "server/rdb/types.h"

namespace codis::server::rdb::props {

inline rc::Gen<int64_t> gen_int() {
  return rc::gen::weightedOneOf<int64_t>({
      {3, rc::gen::inRange<int64_t>(-200, 200)},
      {2, rc::gen::arbitrary<int64_t>()},
      {2, rc::gen::elementOf(std::vector<int64_t>{12,
                                                  13,
                                                  127,
                                                  128,
                                                  -128,
                                                  -129,
                                                  4095,
                                                  4096,
                                                  -4096,
                                                  -4097,
                                                  32767,
                                                  32768,
                                                  -32768,
                                                  -32769,
                                                  8388607,
                                                  8388608,
                                                  -8388608,
                                                  -8388609,
                                                  2147483647,
                                                  2147483648LL,
                                                  -2147483648LL,
                                                  -2147483649LL,
                                                  std::numeric_limits<int64_t>::max(),
                                                  std::numeric_limits<int64_t>::min()})},
  });
}

inline rc::Gen<std::string> gen_int_text() {
  return rc::gen::map(gen_int(), [](int64_t v) { return i64_to_string(v); });
}

inline rc::Gen<std::string> gen_element() {
  return rc::gen::weightedOneOf<std::string>({
      {4, rc::gen::container<std::string>(rc::gen::arbitrary<char>())},
      {3, gen_int_text()},
      {1, rc::gen::elementOf(std::vector<std::string>{"", "01", "-0", "+1", " 1", "1.5", "1e3", "nan"})},
      // Long and repetitive: LZF, 12/32-bit listpack lengths, 14/32-bit RDB lengths, big quicklist entries.
      // The lengths are size-independent: a size-scaled inRange(1, 6000) never passed 4096 in the first
      // two thirds of a run and never reached RDB's 32-bit length (16384 bytes and up) at all.
      {1,
       rc::gen::map(rc::gen::pair(rc::gen::weightedOneOf<int>({{6, codis::props::uniform(1, 6000)},
                                                               {1, rc::gen::element(16383, 16384, 20000)}}),
                                  rc::gen::inRange('a', 'e')),
                    [](const std::pair<int, char>& p) {
                      std::string s;
                      for (int i = 0; i < p.first; ++i) s.push_back(static_cast<char>(p.second + i % 3));
                      return s;
                    })},
  });
}

inline rc::Gen<double> gen_score() {
  return rc::gen::weightedOneOf<double>({
      {3, rc::gen::map(rc::gen::arbitrary<double>(), [](double d) { return std::isnan(d) ? 0.5 : d; })},
      {2, rc::gen::map(gen_int(), [](int64_t v) { return static_cast<double>(v); })},
      {1, rc::gen::elementOf(std::vector<double>{0.0, -0.0, 0.1, 1.5, 1e20, -1e300, 5e-324,
                                                 4611686018427387904.0, -4611686018427387904.0,
                                                 9223372036854775808.0, HUGE_VAL, -HUGE_VAL})},
  });
}

// Distinct strings from `gen`, at least one.
inline rc::Gen<std::vector<std::string>> gen_unique(rc::Gen<std::string> gen) {
  return rc::gen::map(rc::gen::nonEmpty(rc::gen::container<std::vector<std::string>>(gen)),
                      [](std::vector<std::string> v) {
                        std::set<std::string> seen;
                        std::vector<std::string> out;
                        for (auto& s : v) {
                          if (seen.insert(s).second) out.push_back(std::move(s));
                        }
                        return out;
                      });
}

// A value and an encoding able to hold it.
struct Encoded {
  DumpValue value;
  RdbType type;
};

inline rc::Gen<Encoded> gen_encoded() {
  return rc::gen::exec([] {
    const int kind = codis::props::choice(6);
    Encoded e;
    switch (kind) {
      case 0:
        e.value = DumpValue::string(*gen_element());
        e.type = RdbType::kString;
        break;
      case 1:
        e.value =
            DumpValue::list(*rc::gen::nonEmpty(rc::gen::container<std::vector<std::string>>(gen_element())));
        e.type = *rc::gen::elementOf(std::vector<RdbType>{RdbType::kList, RdbType::kListZiplist,
                                                          RdbType::kListQuicklist, RdbType::kListQuicklist2});
        break;
      case 2:
        e.value = DumpValue::set(*gen_unique(gen_element()));
        e.type = RdbType::kSet;
        break;
      case 3:
        e.value = DumpValue::set(*gen_unique(gen_int_text()));
        e.type = *rc::gen::elementOf(std::vector<RdbType>{RdbType::kSet, RdbType::kSetIntset});
        break;
      case 4: {
        e.value.type = ValueType::kZSet;
        for (auto& m : *gen_unique(gen_element())) e.value.zmembers.emplace_back(std::move(m), *gen_score());
        e.type = *rc::gen::elementOf(std::vector<RdbType>{RdbType::kZSet, RdbType::kZSet2,
                                                          RdbType::kZSetZiplist, RdbType::kZSetListpack});
        break;
      }
      default: {
        e.value.type = ValueType::kHash;
        for (auto& f : *gen_unique(gen_element())) e.value.fields.emplace_back(std::move(f), *gen_element());
        e.type = *rc::gen::elementOf(std::vector<RdbType>{RdbType::kHash, RdbType::kHashZipmap,
                                                          RdbType::kHashZiplist, RdbType::kHashListpack});
        break;
      }
    }
    return e;
  });
}

inline rc::Gen<EncodeOptions> gen_options() {
  return rc::gen::exec([] {
    EncodeOptions o;
    o.compress = *rc::gen::arbitrary<bool>();
    o.list_max_listpack_size = *rc::gen::elementOf(std::vector<int>{-2, -1, -3, -5, -6, 0, 1, 3, 100});
    o.packed_threshold = *rc::gen::elementOf(std::vector<uint64_t>{uint64_t{1} << 30, 1, 16, 200});
    return o;
  });
}

}  // namespace codis::server::rdb::props
