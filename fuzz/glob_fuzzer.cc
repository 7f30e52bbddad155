// libFuzzer target for server::glob_match, Redis's stringmatchlen: clients send the patterns (KEYS, SCAN
// MATCH, PSUBSCRIBE, PUBSUB CHANNELS, CONFIG GET) and, through key and channel names, the strings.
// Input: byte 0 picks the flags (bit 0: nocase), byte 1 the pattern's length (at most the bytes left),
// then the pattern, then the string.
// Oracles: glob_match equals a slow reference that reads the pattern into tokens the way Redis's loop
// does and matches them by memoised search over (token, position), so the recursive walk with its
// CVE-2022-36021 cut-off (stop once a '*' tail matched nowhere) returns exactly what a plain search does;
// and a pattern that escapes every byte of a string matches that string (nocase too), alone or between
// stars.
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "server/glob.h"

namespace {

int lower(int c) {
  return std::tolower(c);
}

struct Token {
  enum Kind : uint8_t { kStar, kAny, kLiteral, kClass } kind;
  unsigned char literal = 0;
  bool negate = false;
  // Class members: exact bytes (escaped, case-sensitive), plain bytes (nocase-aware), ranges.
  std::string exact, plain;
  std::vector<std::pair<int, int>> ranges;
};

// The pattern's tokens as stringmatchlen reads them, independent of the string.
std::vector<Token> tokenize(std::string_view p, bool nocase) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < p.size()) {
    Token t{};
    const auto c = static_cast<unsigned char>(p[i]);
    if (c == '*') {
      t.kind = Token::kStar;
      ++i;
    } else if (c == '?') {
      t.kind = Token::kAny;
      ++i;
    } else if (c == '[') {
      t.kind = Token::kClass;
      ++i;
      if (i < p.size() && p[i] == '^') {
        t.negate = true;
        ++i;
      }
      for (;;) {
        const size_t left = p.size() - i;
        if (left >= 2 && p[i] == '\\') {
          t.exact.push_back(p[i + 1]);
          i += 2;
        } else if (left > 0 && p[i] == ']') {
          ++i;
          break;
        } else if (left == 0) {
          break;  // unterminated: the class runs to the end of the pattern
        } else if (left >= 3 && p[i + 1] == '-') {
          int lo = static_cast<unsigned char>(p[i]), hi = static_cast<unsigned char>(p[i + 2]);
          if (lo > hi) std::swap(lo, hi);
          if (nocase) {
            lo = lower(lo);
            hi = lower(hi);
          }
          t.ranges.emplace_back(lo, hi);
          i += 3;
        } else {
          t.plain.push_back(p[i]);
          ++i;
        }
      }
    } else {
      t.kind = Token::kLiteral;
      if (c == '\\' && i + 1 < p.size()) ++i;
      t.literal = static_cast<unsigned char>(p[i]);
      ++i;
    }
    out.push_back(std::move(t));
  }
  return out;
}

bool token_matches(const Token& t, unsigned char c, bool nocase) {
  switch (t.kind) {
    case Token::kAny:
      return true;
    case Token::kLiteral:
      return nocase ? lower(t.literal) == lower(c) : t.literal == c;
    case Token::kClass: {
      bool in = t.exact.find(static_cast<char>(c)) != std::string::npos;
      for (char m : t.plain) {
        const auto u = static_cast<unsigned char>(m);
        in = in || (nocase ? lower(u) == lower(c) : u == c);
      }
      const int cc = nocase ? lower(c) : c;
      for (const auto& [lo, hi] : t.ranges) in = in || (cc >= lo && cc <= hi);
      return in != t.negate;
    }
    case Token::kStar:
      break;
  }
  return false;
}

bool reference(std::string_view pattern, std::string_view s, bool nocase) {
  // Redis's loop never runs on an empty string: only the empty pattern matches it (not even "*").
  if (s.empty()) return pattern.empty();
  const std::vector<Token> tokens = tokenize(pattern, nocase);
  const size_t nt = tokens.size(), ns = s.size();
  // memo[t][i]: 0 unknown, 1 no, 2 yes; filled from the end.
  std::vector<uint8_t> memo((nt + 1) * (ns + 1), 0);
  auto at = [&](size_t t, size_t i) -> uint8_t& { return memo[t * (ns + 1) + i]; };
  for (size_t t = nt + 1; t-- > 0;) {
    for (size_t i = ns + 1; i-- > 0;) {
      bool m = false;
      if (t == nt) {
        m = i == ns;
      } else if (tokens[t].kind == Token::kStar) {
        m = at(t + 1, i) == 2 || (i < ns && at(t, i + 1) == 2);
      } else {
        m = i < ns && token_matches(tokens[t], static_cast<unsigned char>(s[i]), nocase) &&
            at(t + 1, i + 1) == 2;
      }
      at(t, i) = m ? 2 : 1;
    }
  }
  return at(0, 0) == 2;
}

std::string escape_all(std::string_view s) {
  std::string out;
  for (char c : s) {
    out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > 4096) return 0;
  const bool nocase = (data[0] & 1) != 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  const size_t plen = std::min<size_t>(data[1], rest.size());
  const std::string_view pattern = rest.substr(0, plen);
  const std::string_view s = rest.substr(plen);

  // Fewer than 1000 star groups (the pattern has at most 255 bytes), so Redis's nesting guard never cuts in.
  FUZZ_CHECK(codis::server::glob_match(pattern, s, nocase) == reference(pattern, s, nocase));

  const std::string literal = escape_all(s);
  FUZZ_CHECK(codis::server::glob_match(literal, s, nocase) == true);
  if (!s.empty()) {
    const std::string_view piece = s.substr(s.size() / 3, s.size() / 2);
    FUZZ_CHECK(codis::server::glob_match("*" + escape_all(piece) + "*", s, nocase));
  }
  return 0;
}
