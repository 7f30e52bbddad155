#include "server/monitor.h"

#include <cstdio>

#include "cmd/ascii.h"
#include "resp/number.h"

namespace codis::server {

void append_repr(std::string* out, std::string_view s) {
  out->push_back('"');
  for (const char ch : s) {
    switch (ch) {
      case '\\':
      case '"':
        out->push_back('\\');
        out->push_back(ch);
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\a':
        out->append("\\a");
        break;
      case '\b':
        out->append("\\b");
        break;
      default: {
        const auto u = static_cast<unsigned char>(ch);
        if (u >= 0x20 && u < 0x7f) {
          out->push_back(ch);
        } else {
          char hex[5];
          std::snprintf(hex, sizeof hex, "\\x%02x", u);
          out->append(hex);
        }
      }
    }
  }
  out->push_back('"');
}

bool redacted_argument(std::string_view command, std::span<const std::string_view> argv, size_t i) {
  if (command == "auth") {
    return argv.size() <= 3 && i >= 1;  // more arguments: a syntax error before anything is redacted
  }
  if (command != "hello" || argv.size() < 2) {
    return false;
  }
  int64_t ver;
  if (!resp::parse_ll(argv[1], &ver) || ver < 2 || ver > 3) {
    return false;  // refused before the options are read
  }
  for (size_t j = 2; j < argv.size(); ++j) {
    const size_t more = argv.size() - 1 - j;
    if (cmd::iequals(argv[j], "auth") && more >= 2) {
      if (i == j + 1 || i == j + 2) {
        return true;
      }
      j += 2;
    } else if (cmd::iequals(argv[j], "setname") && more >= 1) {
      ++j;
    } else {
      break;  // a syntax error ends the parse
    }
  }
  return false;
}

std::string monitor_line(int64_t unix_us, int db, std::string_view peer, std::string_view command,
                         std::span<const std::string_view> argv) {
  char head[64];
  std::snprintf(head, sizeof head, "+%lld.%06lld [%d ", static_cast<long long>(unix_us / 1000000),
                static_cast<long long>(unix_us % 1000000), db);
  std::string line(head);
  line.append(peer);
  line.append("]");
  for (size_t i = 0; i < argv.size(); ++i) {
    line.push_back(' ');
    if (redacted_argument(command, argv, i)) {
      line.append("\"(redacted)\"");
    } else {
      append_repr(&line, argv[i]);
    }
  }
  line.append("\r\n");
  return line;
}

}  // namespace codis::server
