// One command of a stream (its arguments as bytes), with the helpers to write commands as text and read
// them back: the tricky-case list and server argument templates are written the way redis-cli reads them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace codis::diff {

struct Command {
  std::vector<std::string> argv;
};

// Stand-ins a RESTORE may carry instead of a payload; the runner replaces them with the replies of the
// last DUMP: kDumpOfReference sends the reference's payload to both servers, kDumpSwapped sends each
// server the other's payload (so each must load what the other dumped).
inline constexpr std::string_view kDumpOfReference = "$DUMP(reference)";
inline constexpr std::string_view kDumpSwapped = "$DUMP(swapped)";

// Splits a line like redis-cli: spaces separate arguments, "..." with \n \r \t \" \\ \xHH escapes and
// '...' quote; "" is an empty argument. Returns nullopt on unbalanced quotes.
std::optional<std::vector<std::string>> split_args(std::string_view line);

// The inverse of split_args: plain words as they are, anything else double-quoted with escapes.
std::string quote_arg(std::string_view arg);
std::string to_display(const Command& c);

std::string to_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

}  // namespace codis::diff
