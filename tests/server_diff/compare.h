// Comparing a reference reply with a subject reply under a comparison mode (compare_mode.h). Returns an
// empty string when they agree, otherwise a one-line reason for the report.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "resp/value.h"
#include "tests/server_diff/compare_mode.h"

namespace codis::diff {

// What a key held just before a random command, as the reference reported it: plain members, or pairs
// (member, score) / (field, value). Elements are in resp::to_display form, so RESP2 and RESP3 work alike.
struct Content {
  std::vector<std::string> members;
  std::vector<std::pair<std::string, std::string>> pairs;
};

// `argv` is the command (random modes read its count argument). `content` may be null for random modes
// (inside MULTI): then only the shape is compared.
std::string compare_replies(ModeChoice mode, const std::vector<std::string>& argv, const resp::Value& ref,
                            const resp::Value& sub, const Content* content);

// Same kind and, for aggregates, same number of elements.
std::string compare_shape(const resp::Value& ref, const resp::Value& sub);

// A flat [a, b, a, b] array or map, or an array of two-element arrays (RESP3 WITHSCORES), as pairs.
std::vector<std::pair<std::string, std::string>> flatten_pairs(const resp::Value& v);

// The content of a key from the reply of SMEMBERS/HKEYS (members) or HGETALL/ZRANGE WITHSCORES (pairs).
Content content_from(const resp::Value& reply, bool pairs);

}  // namespace codis::diff
