#include "api/json_writer.h"

#include <charconv>
#include <cmath>

namespace smlapi::api::json {

void append_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.substr(run_start, i - run_start));
    run_start = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
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
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(text.substr(run_start));
  out.push_back('"');
}

namespace {

// VADER's scores are rounded to at most four decimals in [-1, 1]. For those
// values the shortest round-trip form is simply the decimal itself, so it can be
// written digit by digit: a fifth of the instructions of std::to_chars, which
// was a quarter of the cost of each /predict/batch text. Returns false (writing
// nothing) for every other value. 0.0001-0.0009 are left to to_chars, whose
// shortest form for them is scientific ("1e-04"). The result is byte-identical
// to to_chars for all 20,001 multiples of 0.0001 in [-1, 1]
// (JsonNumber.FourDecimalFastPathMatchesToChars).
bool append_four_decimals(std::string& out, double value) {
  const double magnitude = std::fabs(value);
  if (!(magnitude <= 1.0)) return false;
  const auto units = static_cast<unsigned>(magnitude * 10000.0 + 0.5);
  // Only when `magnitude` is exactly the double nearest to units / 10^4.
  if (static_cast<double>(units) / 10000.0 != magnitude || units < 10) return false;
  if (value < 0) out.push_back('-');
  if (units == 10000) {
    out.append("1.0");
    return true;
  }
  char digits[6] = {'0', '.', '0', '0', '0', '0'};
  unsigned rest = units;
  for (int i = 5; i >= 2; --i, rest /= 10) digits[i] = static_cast<char>('0' + rest % 10);
  std::size_t length = sizeof digits;
  while (digits[length - 1] == '0') --length;  // units >= 10: a non-zero digit remains
  out.append(digits, length);
  return true;
}

}  // namespace

void append_number(std::string& out, double value) {
  if (!std::isfinite(value)) {  // never produced by the model; JSON has no NaN
    out.append("null");
    return;
  }
  if (value == 0) value = 0;  // no "-0.0"
  if (append_four_decimals(out, value)) return;
  char digits[32];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  std::string_view text(digits, static_cast<std::size_t>(end - digits));
  out.append(text);
  if (text.find_first_of(".e") == std::string_view::npos) out.append(".0");
}

void append_integer(std::string& out, long long value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, static_cast<std::size_t>(end - digits));
}

}  // namespace smlapi::api::json
