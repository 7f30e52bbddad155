// Properties of the slot function: it agrees with a slow bitwise CRC-32 and a second hash-tag reading, and
// keys that share a hash tag share a slot (what makes multi-key commands on tagged keys routable).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "cmd/slot.h"

namespace codis::cmd {
namespace {

// Bit-at-a-time reflected CRC-32: slow, but too simple to share a bug with the sliced tables.
uint32_t slow_crc32(const std::string& s) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : s) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// Codis's rule read differently: walk the bytes once, remembering where the first '{' was.
std::string slow_tag(const std::string& key) {
  size_t open = std::string::npos;
  for (size_t i = 0; i < key.size(); ++i) {
    if (open == std::string::npos && key[i] == '{') {
      open = i;
    } else if (open != std::string::npos && key[i] == '}') {
      return key.substr(open + 1, i - open - 1);
    }
  }
  return key;
}

// Bytes biased towards the tag delimiters so that tags appear often.
rc::Gen<std::string> key_bytes() {
  return rc::gen::container<std::string>(rc::gen::weightedOneOf<char>(
      {{6, rc::gen::arbitrary<char>()}, {1, rc::gen::element('{', '}')}, {1, rc::gen::element('a', 'b')}}));
}

RC_GTEST_PROP(SlotProps, Crc32AgreesWithBitwiseReference, ()) {
  const std::string s = *key_bytes();
  RC_ASSERT(crc32_ieee(s) == slow_crc32(s));
}

RC_GTEST_PROP(SlotProps, Crc32OfLongInputs, ()) {
  const std::string s = *rc::gen::resize(2000, rc::gen::string<std::string>());
  RC_ASSERT(crc32_ieee(s) == slow_crc32(s));
}

RC_GTEST_PROP(SlotProps, SlotIsCrcOfTagModulo1024, ()) {
  const std::string key = *key_bytes();
  const std::string tag = slow_tag(key);
  RC_ASSERT(std::string(hash_tag(key)) == tag);
  RC_ASSERT(slot_of(key) == (slow_crc32(tag) & 1023u));
  RC_ASSERT(slot_of(key) < kSlots);
}

RC_GTEST_PROP(SlotProps, KeysSharingATagShareASlot, ()) {
  // prefix has no '{' (so the tag's '{' is the first), the tag has no '}' (so its '}' closes it).
  const auto no = [](char banned) {
    return rc::gen::container<std::string>(
        rc::gen::suchThat(rc::gen::arbitrary<char>(), [banned](char c) { return c != banned; }));
  };
  const std::string tag = *no('}');
  const std::string prefix1 = *no('{');
  const std::string prefix2 = *no('{');
  const std::string suffix1 = *key_bytes();
  const std::string suffix2 = *key_bytes();
  const std::string k1 = prefix1 + "{" + tag + "}" + suffix1;
  const std::string k2 = prefix2 + "{" + tag + "}" + suffix2;
  RC_ASSERT(std::string(hash_tag(k1)) == tag);
  RC_ASSERT(slot_of(k1) == slot_of(k2));
  RC_ASSERT(slot_of(k1) == slot_of("{" + tag + "}"));
}

}  // namespace
}  // namespace codis::cmd
