#include "proxy/config_file.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "cmd/ascii.h"
#include "resp/inline_split.h"

namespace codis::proxy {

std::vector<std::string> config_file_args(std::string_view text, const std::vector<std::string>& flags,
                                          ConfigFileError* error) {
  std::vector<std::string> out;
  std::vector<std::string_view> args;
  std::string scratch;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line_no;
    const size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos || line[start] == '#') {
      continue;
    }
    auto fail = [&](const std::string& why) {
      error->message = "line " + std::to_string(line_no) + ": " + why;
      return std::vector<std::string>{};
    };
    if (!resp::split_inline(line, args, scratch)) {
      return fail("unbalanced quotes");
    }
    if (args.empty()) {
      continue;
    }
    std::string name(args[0]);
    for (char& c : name) {
      c = cmd::ascii_lower(c);
    }
    if (name.starts_with("--")) {
      name.erase(0, 2);
    }
    if (args.size() > 2) {
      return fail("'" + name + "' takes one value (quote a value that holds spaces)");
    }
    const bool flag = std::find(flags.begin(), flags.end(), name) != flags.end();
    if (!flag) {
      if (args.size() == 1) {
        return fail("'" + name + "' needs a value");
      }
      out.push_back("--" + name + "=" + std::string(args[1]));
    } else if (args.size() == 1 || cmd::iequals(args[1], "yes") || cmd::iequals(args[1], "true")) {
      out.push_back("--" + name + "=true");
    } else if (cmd::iequals(args[1], "no") || cmd::iequals(args[1], "false")) {
      out.push_back("--" + name + "=false");
    } else {
      return fail("'" + name + "' is yes or no, not '" + std::string(args[1]) + "'");
    }
  }
  return out;
}

bool parse_bytes(std::string_view s, uint64_t* out) {
  size_t i = 0;
  uint64_t n = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (n > (UINT64_MAX - 9) / 10) {
      return false;
    }
    n = n * 10 + static_cast<uint64_t>(s[i++] - '0');
  }
  if (i == 0) {
    return false;
  }
  std::string unit(s.substr(i));
  for (char& c : unit) {
    c = cmd::ascii_lower(c);
  }
  static constexpr std::pair<std::string_view, uint64_t> kUnits[] = {
      {"", 1},           {"b", 1},
      {"k", 1000},       {"kb", 1024},
      {"m", 1000000},    {"mb", 1024 * 1024},
      {"g", 1000000000}, {"gb", 1024ULL * 1024 * 1024}};
  for (const auto& [name, mul] : kUnits) {
    if (unit == name) {
      if (n > UINT64_MAX / mul) {
        return false;
      }
      *out = n * mul;
      return true;
    }
  }
  return false;
}

bool parse_output_limit(std::string_view s, OutputLimit* out) {
  std::vector<std::string_view> parts;
  std::string scratch;
  if (!resp::split_inline(s, parts, scratch) || parts.size() != 3) {
    return false;
  }
  uint64_t seconds = 0;
  if (!parse_bytes(parts[0], &out->hard) || !parse_bytes(parts[1], &out->soft) ||
      !parse_bytes(parts[2], &seconds) || seconds > INT32_MAX ||
      parts[2].find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  out->soft_seconds = static_cast<int64_t>(seconds);
  return true;
}

std::string config_file_path(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      return argv[i + 1];
    }
    if (a.starts_with("--config=")) {
      return std::string(a.substr(9));
    }
  }
  return {};
}

}  // namespace codis::proxy
