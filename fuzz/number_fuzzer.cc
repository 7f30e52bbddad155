// libFuzzer target for the small text parsers every command argument and peer address goes through, one
// per input (byte 0 modulo 6 picks it, the rest is the text); grouped because each is a few lines over
// the same kind of input (digits, signs, dots, exponents, units, colons), so one corpus serves them all.
// Parsers and oracles:
//  0 resp::parse_ll (string2ll): accepts exactly the canonical decimal text of an int64 (checked against
//    from_chars + re-formatting), and format_i64 writes that text back;
//  1 resp::parse_double (RESP3 doubles, ZADD scores, ...): whatever parses formats (shortest form) to text
//    that parses back to the same double, and format_double's text has no more than kMaxDoubleChars;
//  2 ld::parse (string2ld: INCRBYFLOAT, HINCRBYFLOAT): never NaN; format_human's text parses back to the
//    same value within the 17 decimals it prints;
//  3 parse_scan_cursor (SCAN cursors, Redis's strtoul rules): agrees with strtoull over the text;
//  4 server::parse_memory (config sizes "1gb"): agrees with a reference memtoll;
//  5 rt::Endpoint::parse ("host:port" of codis peers): to_string() parses back to the same endpoint.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "resp/number.h"
#include "rt/net.h"
#include "server/config.h"
#include "server/families/long_double.h"
#include "server/families/util.h"

namespace {

namespace resp = codis::resp;

void check_ll(std::string_view s) {
  int64_t got = 0;
  const bool ok = resp::parse_ll(s, &got);
  int64_t ref = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), ref);
  const bool ref_ok = ec == std::errc() && end == s.data() + s.size() && std::to_string(ref) == s;
  FUZZ_CHECK(ok == ref_ok);
  if (!ok) return;
  FUZZ_CHECK(got == ref);
  char buf[resp::kMaxIntChars];
  FUZZ_CHECK(std::string_view(buf, resp::format_i64(got, buf)) == s);
}

void check_double(std::string_view s) {
  double d = 0;
  if (!resp::parse_double(s, &d)) return;
  for (const auto format : {resp::DoubleFormat::kShortest, resp::DoubleFormat::kRedis70}) {
    char buf[resp::kMaxDoubleChars + 1];
    const size_t n = resp::format_double(d, buf, format);
    FUZZ_CHECK(n <= resp::kMaxDoubleChars);
    double back = 0;
    FUZZ_CHECK(resp::parse_double(std::string_view(buf, n), &back));
    if (std::isnan(d)) {
      FUZZ_CHECK(std::isnan(back));
    } else {
      FUZZ_CHECK(std::memcmp(&back, &d, sizeof d) == 0 || (d == 0 && back == 0));
    }
  }
}

void check_long_double(std::string_view s) {
  namespace ld = codis::server::ld;
  long double v = 0;
  if (!ld::parse(s, &v)) return;
  FUZZ_CHECK(!std::isnan(v));
  if (std::isinf(v)) return;
  const std::string text = ld::format_human(v);
  FUZZ_CHECK(!text.empty());
  long double back = 0;
  FUZZ_CHECK(ld::parse(text, &back));
  // The text is exact up to its 17 decimals (glibc prints the exact binary value, then rounds).
  FUZZ_CHECK(back == v || std::fabs(back - v) <= 1e-17L);
}

void check_scan_cursor(std::string_view s) {
  uint64_t got = 0;
  const bool ok = codis::server::parse_scan_cursor(s, &got);
  // Redis: strtoul over the C string (so up to a NUL), no leading space, all of it digits, no ERANGE.
  const std::string c(s.substr(0, s.find('\0')));
  bool ref_ok = true;
  uint64_t ref = 0;
  if (!c.empty()) {
    errno = 0;
    char* end = nullptr;
    ref = std::strtoull(c.c_str(), &end, 10);
    ref_ok = !std::isspace(static_cast<unsigned char>(c[0])) && *end == '\0' && errno != ERANGE;
  }
  FUZZ_CHECK(ok == ref_ok);
  if (ok) FUZZ_CHECK(got == ref);
}

void check_memory(std::string_view s) {
  int64_t got = 0;
  const bool ok = codis::server::parse_memory(s, &got);
  // Reference: digits (an optional leading '-') then one of the units, case-insensitively; the number must
  // be a canonical int64 and the product must fit.
  size_t i = 0;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || (i == 0 && s[i] == '-'))) ++i;
  std::string unit(s.substr(i));
  for (char& ch : unit) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  int64_t mul = 0;
  if (unit.empty() || unit == "b") mul = 1;
  if (unit == "k") mul = 1000;
  if (unit == "kb") mul = 1024;
  if (unit == "m") mul = 1000000;
  if (unit == "mb") mul = 1 << 20;
  if (unit == "g") mul = 1000000000;
  if (unit == "gb") mul = 1 << 30;
  int64_t base = 0;
  const bool base_ok = resp::parse_ll(s.substr(0, i), &base);
  __int128 product = static_cast<__int128>(base) * mul;
  const bool ref_ok = base_ok && mul != 0 && product <= INT64_MAX && product >= INT64_MIN;
  FUZZ_CHECK(ok == ref_ok);
  if (ok) FUZZ_CHECK(got == static_cast<int64_t>(product));
}

void check_endpoint(std::string_view s) {
  auto e = codis::rt::Endpoint::parse(s);
  if (!e.ok()) return;
  FUZZ_CHECK(!e->host.empty());
  const std::string text = e->to_string();
  auto back = codis::rt::Endpoint::parse(text);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(*back == *e);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 8192) return 0;
  const std::string_view s(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      check_ll(s);
      break;
    case 1:
      check_double(s);
      break;
    case 2:
      check_long_double(s);
      break;
    case 3:
      check_scan_cursor(s);
      break;
    case 4:
      check_memory(s);
      break;
    default:
      check_endpoint(s);
      break;
  }
  return 0;
}
