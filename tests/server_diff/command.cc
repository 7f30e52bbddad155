// Command text: redis-cli style splitting and quoting (see command.h).
#include "tests/server_diff/command.h"

#include <cctype>
#include <cstdio>

namespace codis::diff {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::vector<std::string>> split_args(std::string_view line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (true) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i == line.size()) return out;
    std::string arg;
    bool in_double = false, in_single = false;
    for (;; ++i) {
      if (i == line.size()) {
        if (in_double || in_single) return std::nullopt;
        break;
      }
      const char c = line[i];
      if (in_double) {
        if (c == '\\' && i + 3 < line.size() && line[i + 1] == 'x' && hex_value(line[i + 2]) >= 0 &&
            hex_value(line[i + 3]) >= 0) {
          arg.push_back(static_cast<char>(hex_value(line[i + 2]) * 16 + hex_value(line[i + 3])));
          i += 3;
        } else if (c == '\\' && i + 1 < line.size()) {
          const char e = line[++i];
          arg.push_back(e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e);
        } else if (c == '"') {
          in_double = false;
        } else {
          arg.push_back(c);
        }
      } else if (in_single) {
        if (c == '\'') {
          in_single = false;
        } else {
          arg.push_back(c);
        }
      } else if (c == '"') {
        in_double = true;
      } else if (c == '\'') {
        in_single = true;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        break;
      } else {
        arg.push_back(c);
      }
    }
    out.push_back(std::move(arg));
  }
}

std::string quote_arg(std::string_view arg) {
  bool plain = !arg.empty();
  for (char c : arg) {
    if (!std::isgraph(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '\\') plain = false;
  }
  if (plain) return std::string(arg);
  std::string out = "\"";
  for (char c : arg) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (std::isprint(u)) {
      out += c;
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  return out + "\"";
}

std::string to_display(const Command& c) {
  std::string out;
  size_t shown = 0;
  for (const std::string& a : c.argv) {
    // Bulk inserts (hundreds of members, to cross encoding thresholds) are shortened as well.
    if (++shown > 40) {
      out += " ...(" + std::to_string(c.argv.size() - 40) + " more arguments)";
      break;
    }
    if (!out.empty()) out += ' ';
    // Long arguments (bulk inserts, payloads) are shortened: the history must stay readable.
    if (a.size() > 80) {
      out += quote_arg(a.substr(0, 60)) + "...(" + std::to_string(a.size()) + " bytes)";
    } else {
      out += quote_arg(a);
    }
  }
  return out;
}

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace codis::diff
