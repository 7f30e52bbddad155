// Inline-command tokenizer compatible with Redis's sdssplitargs (see inline_split.h for the rules).
#include "resp/inline_split.h"

namespace codis::resp {
namespace {

// isspace() in the C locale, without the locale lookup.
inline bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool split_inline(std::string_view line, std::vector<std::string_view>& args, std::string& scratch) {
  args.clear();
  // Redis parses the line as a C string: everything from the first NUL on is invisible.
  if (const size_t nul = line.find('\0'); nul != std::string_view::npos) line = line.substr(0, nul);
  scratch.clear();
  scratch.reserve(line.size());

  const char* p = line.data();
  const char* const end = p + line.size();
  for (;;) {
    while (p < end && is_c_space(*p)) ++p;
    if (p == end) return true;

    // An argument is an unquoted prefix, optionally followed by one quoted section that ends it.
    const char* start = p;
    while (p < end && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '"' && *p != '\'') ++p;
    if (p == end || (*p != '"' && *p != '\'')) {
      args.emplace_back(start, static_cast<size_t>(p - start));
      continue;
    }

    const size_t from = scratch.size();
    scratch.append(start, static_cast<size_t>(p - start));
    const char quote = *p++;
    for (;;) {
      if (p == end) return false;  // unterminated quotes
      const char c = *p;
      if (c == quote) {
        // The closing quote must be followed by a space or the end of the line.
        if (p + 1 < end && !is_c_space(p[1])) return false;
        ++p;
        break;
      }
      if (c == '\\' && quote == '"' && p + 3 < end && p[1] == 'x' && hex_value(p[2]) >= 0 &&
          hex_value(p[3]) >= 0) {
        scratch.push_back(static_cast<char>(hex_value(p[2]) * 16 + hex_value(p[3])));
        p += 4;
      } else if (c == '\\' && quote == '"' && p + 1 < end) {
        char out = p[1];
        switch (out) {
          case 'n':
            out = '\n';
            break;
          case 'r':
            out = '\r';
            break;
          case 't':
            out = '\t';
            break;
          case 'b':
            out = '\b';
            break;
          case 'a':
            out = '\a';
            break;
          default:
            break;
        }
        scratch.push_back(out);
        p += 2;
      } else if (c == '\\' && quote == '\'' && p + 1 < end && p[1] == '\'') {
        scratch.push_back('\'');
        p += 2;
      } else {
        scratch.push_back(c);
        ++p;
      }
    }
    args.emplace_back(scratch.data() + from, scratch.size() - from);
  }
}

void append_inline_command(const std::vector<std::string_view>& args, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out.push_back(' ');
    out.push_back('"');
    for (const char c : args[i]) {
      switch (c) {
        case '\\':
          out.append("\\\\");
          break;
        case '"':
          out.append("\\\"");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\a':
          out.append("\\a");
          break;
        case '\b':
          out.append("\\b");
          break;
        default: {
          const auto u = static_cast<unsigned char>(c);
          if (u < 0x20 || u >= 0x7f) {
            out.append("\\x");
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 15]);
          } else {
            out.push_back(c);
          }
        }
      }
    }
    out.push_back('"');
  }
  out.append("\r\n");
}

}  // namespace codis::resp
