// DEBUG DIGEST and DEBUG DIGEST-VALUE: Redis 7.0's dataset signature (debug.c computeDatasetDigest,
// xorObjectDigest), byte for byte, so a codis-server and a redis-server holding the same data report the
// same 40 hex digits. Unordered things (keys, set members, hash fields, zset members) are combined by XOR,
// so the result does not depend on iteration order; ordered ones (list elements, a key's parts) are mixed
// (digest = SHA1(digest xor SHA1(data))).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "server/object.h"

namespace codis::server {

class Server;

using Digest = std::array<unsigned char, 20>;

Digest sha1(std::string_view bytes);
// Redis's xorDigest: digest ^= SHA1(bytes).
void xor_digest(Digest& digest, std::string_view bytes);
// Redis's mixDigest: digest = SHA1(digest ^ SHA1(bytes)).
void mix_digest(Digest& digest, std::string_view bytes);
// Redis's xorObjectDigest: mixes the value's type and contents into `digest`, then "!!expire!!" when the
// key has an expiry. DEBUG DIGEST-VALUE is this from a zero digest.
void mix_object_digest(Digest& digest, const Object& value, bool has_expire);
// computeDatasetDigest over every database; all zeros when every database is empty. Keys whose time has
// passed but that are still stored count, as in Redis (the digest looks without expiring).
Digest dataset_digest(Server& server);

std::string to_hex(const Digest& d);

}  // namespace codis::server
