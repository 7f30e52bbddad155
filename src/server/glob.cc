#include "server/glob.h"

#include <cctype>

namespace codis::server {

namespace {

char fold(char c, bool nocase) {
  return nocase ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
}

// Recursion depth is bounded by the number of '*' in the pattern, which is bounded by the request size;
// a nesting cap stops pathological patterns the way Redis 7 does.
bool match(const char* p, const char* pend, const char* s, const char* send, bool nocase, int nesting) {
  if (nesting > 1000) {
    return false;
  }
  while (p < pend && s < send) {
    switch (*p) {
      case '*':
        while (p + 1 < pend && p[1] == '*') {
          ++p;
        }
        if (p + 1 == pend) {
          return true;
        }
        for (const char* t = s; t <= send; ++t) {
          if (match(p + 1, pend, t, send, nocase, nesting + 1)) {
            return true;
          }
        }
        return false;
      case '?':
        ++s;
        break;
      case '[': {
        ++p;
        bool negate = p < pend && *p == '^';
        if (negate) {
          ++p;
        }
        bool matched = false;
        while (p < pend && *p != ']') {
          if (*p == '\\' && p + 1 < pend) {
            ++p;
            if (*p == *s) {
              matched = true;
            }
          } else if (p + 2 < pend && p[1] == '-') {
            char a = fold(p[0], nocase), b = fold(p[2], nocase), c = fold(*s, nocase);
            if (a > b) {
              std::swap(a, b);
            }
            if (c >= a && c <= b) {
              matched = true;
            }
            p += 2;
          } else if (fold(*p, nocase) == fold(*s, nocase)) {
            matched = true;
          }
          ++p;
        }
        if (p == pend) {
          --p;  // unterminated class: Redis treats the end of pattern as its end
        }
        if (negate) {
          matched = !matched;
        }
        if (!matched) {
          return false;
        }
        ++s;
        break;
      }
      case '\\':
        if (p + 1 < pend) {
          ++p;
        }
        [[fallthrough]];
      default:
        if (fold(*p, nocase) != fold(*s, nocase)) {
          return false;
        }
        ++s;
        break;
    }
    ++p;
  }
  if (s == send) {
    while (p < pend && *p == '*') {
      ++p;
    }
    return p == pend;
  }
  return false;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view s, bool nocase) {
  return match(pattern.data(), pattern.data() + pattern.size(), s.data(), s.data() + s.size(), nocase, 0);
}

}  // namespace codis::server
