// RapidCheck generators for RESP properties: request argument lists and Value trees of every kind.
#pragma once

#include <rapidcheck.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "props/pick.h"
#include "resp/value.h"

namespace codis::resp::props {

// Arbitrary bytes, biased towards the ones that matter to RESP framing.
inline rc::Gen<char> gen_byte() {
  return rc::gen::weightedOneOf<char>({
      {6, rc::gen::arbitrary<char>()},
      {1, rc::gen::elementOf(std::string("\r\n\"' \\$*:+-\t\x00x", 14))},
  });
}

inline rc::Gen<std::string> gen_bytes() {
  return rc::gen::container<std::string>(gen_byte());
}

// Simple strings and errors end at the first '\r', so they cannot contain one.
inline rc::Gen<std::string> gen_line() {
  return rc::gen::container<std::string>(rc::gen::suchThat(gen_byte(), [](char c) { return c != '\r'; }));
}

inline rc::Gen<std::vector<std::string>> gen_args() {
  return rc::gen::mapcat(rc::gen::inRange(1, 9),
                         [](int n) { return rc::gen::container<std::vector<std::string>>(n, gen_bytes()); });
}

inline rc::Gen<double> gen_double() {
  return rc::gen::weightedOneOf<double>({
      {6, rc::gen::arbitrary<double>()},
      {1, rc::gen::elementOf(std::vector<double>{0.0, -0.0, 0.1, 1e20, 1e-5, 5e-324,
                                                 std::numeric_limits<double>::infinity(),
                                                 -std::numeric_limits<double>::infinity(), std::nan("")})},
  });
}

inline rc::Gen<std::string> gen_big_number() {
  return rc::gen::map(
      rc::gen::pair(rc::gen::arbitrary<bool>(), rc::gen::nonEmpty(rc::gen::container<std::string>(
                                                    rc::gen::inRange('0', static_cast<char>('9' + 1))))),
      [](const std::pair<bool, std::string>& p) { return (p.first ? "-" : "") + p.second; });
}

// weightedOneOf over a list built at run time (RapidCheck's takes only an initializer_list). The pick is
// size-independent (codis::props::uniform): with a size-scaled one, kinds late in the list (big numbers,
// verbatim strings, pushes) came up in 0-3 cases of 100 and RESP2 trees were 96% bare scalars.
template <class T>
rc::Gen<T> weighted(std::vector<std::pair<size_t, rc::Gen<T>>> choices) {
  size_t total = 0;
  for (const auto& c : choices) total += c.first;
  return rc::gen::mapcat(codis::props::uniform<size_t>(0, total),
                         [choices = std::move(choices)](size_t pick) {
                           for (const auto& c : choices) {
                             if (pick < c.first) return c.second;
                             pick -= c.first;
                           }
                           return choices.back().second;
                         });
}

inline rc::Gen<Value> gen_scalar(bool resp3) {
  std::vector<std::pair<size_t, rc::Gen<Value>>> kinds = {
      {2, rc::gen::map(gen_line(), [](std::string s) { return Value::simple_string(std::move(s)); })},
      {1, rc::gen::map(gen_line(), [](std::string s) { return Value::error(std::move(s)); })},
      {2, rc::gen::map(rc::gen::arbitrary<int64_t>(), [](int64_t n) { return Value::integer(n); })},
      {3, rc::gen::map(gen_bytes(), [](std::string s) { return Value::bulk(std::move(s)); })},
      {1, rc::gen::just(Value::null_bulk())},
      {1, rc::gen::just(Value::null_array())},
  };
  if (resp3) {
    kinds.insert(
        kinds.end(),
        {
            {1, rc::gen::just(Value::null())},
            {1, rc::gen::map(gen_double(), [](double d) { return Value::double_value(d); })},
            {1, rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return Value::boolean(b); })},
            {1, rc::gen::map(gen_bytes(), [](std::string s) { return Value::blob_error(std::move(s)); })},
            {1, rc::gen::map(rc::gen::pair(rc::gen::container<std::string>(3, gen_byte()), gen_bytes()),
                             [](const std::pair<std::string, std::string>& p) {
                               return Value::verbatim(p.first, p.second);
                             })},
            {1,
             rc::gen::map(gen_big_number(), [](std::string s) { return Value::big_number(std::move(s)); })},
        });
  }
  return weighted(std::move(kinds));
}

// Trees up to `depth` aggregates deep, with at most 5 elements (or pairs) per aggregate and, in RESP3,
// occasional attributes.
inline rc::Gen<Value> gen_value(bool resp3, int depth) {
  const rc::Gen<Value> scalar = gen_scalar(resp3);
  if (depth == 0) return scalar;
  const rc::Gen<Value> child = gen_value(resp3, depth - 1);
  auto elems = [child](int per) {
    return rc::gen::mapcat(rc::gen::inRange(0, 6), [child, per](int n) {
      return rc::gen::container<std::vector<Value>>(static_cast<size_t>(n * per), child);
    });
  };
  std::vector<std::pair<size_t, rc::Gen<Value>>> kinds = {
      {4, scalar},
      {2, rc::gen::map(elems(1), [](std::vector<Value> e) { return Value::array(std::move(e)); })},
  };
  if (resp3) {
    kinds.insert(
        kinds.end(),
        {
            {1, rc::gen::map(elems(2), [](std::vector<Value> e) { return Value::map(std::move(e)); })},
            {1, rc::gen::map(elems(1), [](std::vector<Value> e) { return Value::set(std::move(e)); })},
            {1, rc::gen::map(elems(1), [](std::vector<Value> e) { return Value::push(std::move(e)); })},
        });
  }
  rc::Gen<Value> plain = weighted(std::move(kinds));
  if (!resp3) return plain;
  // Attributes (one or two pairs of shallower values) on about one value in eight.
  const rc::Gen<Value> attr_child = gen_value(resp3, depth - 1);
  const rc::Gen<int> attr_pairs = rc::gen::weightedElement<int>({{12, 0}, {1, 1}, {1, 2}});
  return rc::gen::mapcat(rc::gen::pair(plain, attr_pairs), [attr_child](std::pair<Value, int> p) {
    if (p.second == 0) return rc::gen::just(std::move(p.first));
    return rc::gen::map(rc::gen::container<std::vector<Value>>(static_cast<size_t>(2 * p.second), attr_child),
                        [v = std::move(p.first)](std::vector<Value> attrs) {
                          Value out = v;
                          out.attrs = std::move(attrs);
                          return out;
                        });
  });
}

// Fragment sizes for feeding a stream in pieces (cycled when the stream is longer).
inline rc::Gen<std::vector<size_t>> gen_fragments() {
  return rc::gen::nonEmpty(rc::gen::container<std::vector<size_t>>(rc::gen::weightedOneOf<size_t>(
      {{3, rc::gen::inRange<size_t>(1, 4)}, {2, rc::gen::inRange<size_t>(1, 64)}})));
}

}  // namespace codis::resp::props
