// One DEBUG DIGEST for a data set split over several servers (server_diff --proxy), comparable with the
// reference's DEBUG DIGEST of the whole set.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace codis::diff {

// Redis's DEBUG DIGEST (debug.c computeDatasetDigest) starts from 20 zero bytes and, for each non-empty
// database, mixes in the database number (SHA1 of the running digest) and then XORs every key's own
// digest in. With database 0 only, a non-empty server's digest is C ^ k1 ^ k2 ..., C = SHA1(20 zero
// bytes), and an empty one's is all zeros; so the servers' digests combine into the whole set's as
// C ^ (every non-empty digest ^ C). Keys in another database break this (the mixing is not linear):
// the proxy streams stay in database 0. nullopt when an input is not 40 hex digits.
std::optional<std::string> combine_digests(const std::vector<std::string>& hex_digests);

// XOR of 40-hex-digit digests (DEBUG DIGEST-VALUE of one key on every server: only its owner's is not
// zero). nullopt when an input is not 40 hex digits.
std::optional<std::string> xor_digests(const std::vector<std::string>& hex_digests);

}  // namespace codis::diff
