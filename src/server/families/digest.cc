#include "server/families/digest.h"

#include <boost/uuid/detail/sha1.hpp>
#include <cstdint>
#include <cstdio>

#include "server/server.h"

namespace codis::server {

namespace {

// The 4 bytes of htonl(v), which Redis feeds to mixDigest for object types and database numbers.
std::string_view be32(uint32_t v, char (&buf)[4]) {
  for (int i = 0; i < 4; ++i) {
    buf[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
  }
  return {buf, 4};
}

std::string_view as_bytes(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

// A zset element: its member then its score, mixed into their own digest and XORed into the value's.
// Redis 7.0 formats the score with snprintf "%.17g" (7.2 switched to the shortest form).
void xor_zset_element(Digest& digest, std::string_view member, double score) {
  Digest e{};
  mix_digest(e, member);
  char buf[128];
  const int n = std::snprintf(buf, sizeof(buf), "%.17g", score);
  mix_digest(e, std::string_view(buf, static_cast<size_t>(n)));
  xor_digest(digest, as_bytes(e));
}

}  // namespace

Digest sha1(std::string_view bytes) {
  boost::uuids::detail::sha1 h;
  h.process_bytes(bytes.data(), bytes.size());
  boost::uuids::detail::sha1::digest_type words;  // five 32-bit words, most significant byte first
  h.get_digest(words);
  Digest out;
  for (size_t i = 0; i < 20; ++i) {
    out[i] = static_cast<unsigned char>((words[i / 4] >> (24 - 8 * (i % 4))) & 0xff);
  }
  return out;
}

void xor_digest(Digest& digest, std::string_view bytes) {
  const Digest h = sha1(bytes);
  for (size_t i = 0; i < digest.size(); ++i) {
    digest[i] ^= h[i];
  }
}

void mix_digest(Digest& digest, std::string_view bytes) {
  xor_digest(digest, bytes);
  digest = sha1(as_bytes(digest));
}

void mix_object_digest(Digest& digest, const Object& value, bool has_expire) {
  char buf[4];
  mix_digest(digest, be32(static_cast<uint32_t>(value.type()), buf));
  switch (value.type()) {
    case ObjType::kString:
      mix_digest(digest, value.str());
      break;
    case ObjType::kList:
      for (const std::string& e : value.list_value()) {
        mix_digest(digest, e);
      }
      break;
    case ObjType::kSet:
      for (const std::string& m : value.set_value()) {
        xor_digest(digest, m);
      }
      break;
    case ObjType::kZSet:
      value.zset_value().for_each(
          [&digest](std::string_view member, double score) { xor_zset_element(digest, member, score); });
      break;
    case ObjType::kHash:
      for (const auto& [field, v] : value.hash_value()) {
        Digest e{};
        mix_digest(e, field);
        mix_digest(e, v);
        xor_digest(digest, as_bytes(e));
      }
      break;
  }
  if (has_expire) {
    xor_digest(digest, "!!expire!!");
  }
}

Digest dataset_digest(Server& server) {
  Digest final_digest{};
  for (int j = 0; j < server.databases(); ++j) {
    const Db& db = server.db(j);
    if (db.size() == 0) {
      continue;
    }
    // The database number, so the same data in another database has another digest.
    char buf[4];
    mix_digest(final_digest, be32(static_cast<uint32_t>(j), buf));
    for (uint32_t slot = 0; slot < cmd::kSlots; ++slot) {
      for (const Entry& e : db.slot_table(slot)) {
        Digest d{};
        mix_digest(d, e.key());
        mix_object_digest(d, e.value, e.has_expire());
        xor_digest(final_digest, as_bytes(d));
      }
    }
  }
  return final_digest;
}

std::string to_hex(const Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 * d.size());
  for (unsigned char c : d) {
    s.push_back(kHex[c >> 4]);
    s.push_back(kHex[c & 15]);
  }
  return s;
}

}  // namespace codis::server
