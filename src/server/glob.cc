#include "server/glob.h"

#include <cctype>
#include <utility>

namespace codis::server {

namespace {

int lower(char c) {
  return std::tolower(static_cast<unsigned char>(c));
}

// The same algorithm as Redis 7.0's stringmatchlen_impl, step for step, so KEYS/SCAN MATCH/CONFIG GET
// agree with Redis on every odd pattern (unterminated classes, trailing backslashes, "*" against an
// empty string). `skip_longer` is Redis's CVE-2022-36021 fix: once the rest of the pattern after a '*'
// matched nowhere in the remaining string, no earlier '*' can make it match by eating more, so the
// search stops instead of going exponential.
bool match(const char* p, size_t plen, const char* s, size_t slen, bool nocase, bool* skip_longer,
           int nesting) {
  if (nesting > 1000) {
    return false;  // protection against abusive patterns, as in Redis
  }
  while (plen > 0 && slen > 0) {
    switch (p[0]) {
      case '*':
        while (plen > 1 && p[1] == '*') {
          ++p;
          --plen;
        }
        if (plen == 1) {
          return true;
        }
        while (slen > 0) {
          if (match(p + 1, plen - 1, s, slen, nocase, skip_longer, nesting + 1)) {
            return true;
          }
          if (*skip_longer) {
            return false;
          }
          ++s;
          --slen;
        }
        *skip_longer = true;
        return false;
      case '?':
        ++s;
        --slen;
        break;
      case '[': {
        ++p;
        --plen;
        const bool negate = plen > 0 && p[0] == '^';
        if (negate) {
          ++p;
          --plen;
        }
        bool matched = false;
        for (;;) {
          if (plen >= 2 && p[0] == '\\') {
            ++p;
            --plen;
            if (p[0] == s[0]) {
              matched = true;  // Redis compares escaped class members case-sensitively
            }
          } else if (plen > 0 && p[0] == ']') {
            break;
          } else if (plen == 0) {
            // Unterminated class: step back so the common "advance the pattern" below ends it.
            --p;
            ++plen;
            break;
          } else if (plen >= 3 && p[1] == '-') {
            int lo = static_cast<unsigned char>(p[0]), hi = static_cast<unsigned char>(p[2]);
            int c = static_cast<unsigned char>(s[0]);
            if (lo > hi) {
              std::swap(lo, hi);
            }
            if (nocase) {
              lo = std::tolower(lo);
              hi = std::tolower(hi);
              c = std::tolower(c);
            }
            p += 2;
            plen -= 2;
            if (c >= lo && c <= hi) {
              matched = true;
            }
          } else if (nocase ? lower(p[0]) == lower(s[0]) : p[0] == s[0]) {
            matched = true;
          }
          ++p;
          --plen;
        }
        if (negate) {
          matched = !matched;
        }
        if (!matched) {
          return false;
        }
        ++s;
        --slen;
        break;
      }
      case '\\':
        if (plen >= 2) {
          ++p;
          --plen;
        }
        [[fallthrough]];
      default:
        if (nocase ? lower(p[0]) != lower(s[0]) : p[0] != s[0]) {
          return false;
        }
        ++s;
        --slen;
        break;
    }
    ++p;
    --plen;
    if (slen == 0) {
      while (plen > 0 && p[0] == '*') {
        ++p;
        --plen;
      }
      break;
    }
  }
  return plen == 0 && slen == 0;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view s, bool nocase) {
  bool skip_longer = false;
  return match(pattern.data(), pattern.size(), s.data(), s.size(), nocase, &skip_longer, 0);
}

}  // namespace codis::server
