#include "common/json_writer.h"

#include "common/utf8.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace smlapi::json {

namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

void append_escape(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      out.append("\\\"");
      return;
    case '\\':
      out.append("\\\\");
      return;
    case '\n':
      out.append("\\n");
      return;
    case '\r':
      out.append("\\r");
      return;
    case '\t':
      out.append("\\t");
      return;
    case '\b':
      out.append("\\b");
      return;
    case '\f':
      out.append("\\f");
      return;
    default:
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
  }
}

// VADER's scores are rounded to at most four decimals in [-1, 1]. For those values the
// shortest round-trip form is simply the decimal itself, so it can be written digit by digit:
// a fifth of the instructions of std::to_chars, which was a quarter of the cost of each
// /predict/batch text. Returns false (writing nothing) for every other value. 0.0001-0.0009
// are left to to_chars, whose shortest form for them is scientific ("1e-04"). The result is
// byte-identical to to_chars for all 20,001 multiples of 0.0001 in [-1, 1]
// (JsonNumber.FourDecimalFastPathMatchesToChars).
char* write_four_decimals(char* out, double value) {
  const double magnitude = std::fabs(value);
  if (!(magnitude <= 1.0)) return nullptr;
  const auto units = static_cast<unsigned>(magnitude * 10000.0 + 0.5);
  // Only when `magnitude` is exactly the double nearest to units / 10^4.
  if (static_cast<double>(units) / 10000.0 != magnitude || units < 10) return nullptr;
  if (value < 0) *out++ = '-';
  if (units == 10000) {
    std::memcpy(out, "1.0", 3);
    return out + 3;
  }
  // "0." and two pairs of digits from a table, then the trailing zeros dropped.
  static constexpr std::array<std::array<char, 2>, 100> kPairs = [] {
    std::array<std::array<char, 2>, 100> pairs{};
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      pairs[i] = {static_cast<char>('0' + i / 10), static_cast<char>('0' + i % 10)};
    }
    return pairs;
  }();
  const unsigned high = units / 100;
  const unsigned low = units % 100;
  const char digits[6] = {'0',           '.', kPairs[high][0], kPairs[high][1], kPairs[low][0],
                          kPairs[low][1]};
  std::size_t length = 6;
  if (low == 0) {
    length = high % 10 == 0 ? 3 : 4;  // units >= 10: a non-zero digit remains
  } else if (low % 10 == 0) {
    length = 5;
  }
  std::memcpy(out, digits, sizeof digits);  // a fixed-size copy; only `length` count
  return out + length;
}

}  // namespace

void append_string(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t run_start = 0;  // bytes copied as they are, in one append per run
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t length = utf8::sequence_length(text.substr(i));
      if (length != 0) {
        i += length;
        continue;
      }
    }
    out.append(text.substr(run_start, i - run_start));
    if (c >= 0x80) {
      out.append(kReplacementCharacter);
    } else {
      append_escape(out, c);
    }
    run_start = ++i;
  }
  out.append(text.substr(run_start));
  out.push_back('"');
}

std::string quoted(std::string_view text) {
  std::string out;
  append_string(out, text);
  return out;
}

char* write_number(char* out, double value) {
  if (!std::isfinite(value)) {
    std::memcpy(out, "null", 4);
    return out + 4;
  }
  if (value == 0) value = 0;  // no "-0.0"
  if (char* end = write_four_decimals(out, value)) return end;
  // to_chars' shortest form is at most 24 characters ("-2.2250738585072014e-308").
  char* end = std::to_chars(out, out + kMaxNumberLength - 2, value).ptr;
  if (std::string_view(out, static_cast<std::size_t>(end - out)).find_first_of(".e") ==
      std::string_view::npos) {
    std::memcpy(end, ".0", 2);
    end += 2;
  }
  return end;
}

void append_number(std::string& out, double value) {
  char text[kMaxNumberLength];
  out.append(text, static_cast<std::size_t>(write_number(text, value) - text));
}

void append_integer(std::string& out, long long value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, static_cast<std::size_t>(end - digits));
}

}  // namespace smlapi::json
