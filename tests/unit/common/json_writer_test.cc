// json::append_string / append_number / append_integer: the bytes every JSON answer, log
// line, token and document is made of.
#include "common/json_writer.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>

namespace smlapi::json {
namespace {

std::string string_literal(std::string_view text) {
  std::string out;
  append_string(out, text);
  return out;
}

std::string number(double value) {
  std::string out;
  append_number(out, value);
  return out;
}

TEST(JsonString, QuotesAndBackslashesAreEscaped) {
  EXPECT_EQ(string_literal("say \"hi\" \\o/"), R"("say \"hi\" \\o/")");
}

TEST(JsonString, ShortControlEscapes) {
  EXPECT_EQ(string_literal("a\nb\rc\td\be\ff"), R"("a\nb\rc\td\be\ff")");
}

TEST(JsonString, OtherControlCharactersUseUnicodeEscapes) {
  EXPECT_EQ(string_literal(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(string_literal("\x1b[31m"), R"("\u001b[31m")");
}

TEST(JsonString, EveryControlCharacterIsEscaped) {
  for (int c = 0; c < 0x20; ++c) {
    std::string out = string_literal(std::string(1, static_cast<char>(c)));
    ASSERT_GE(out.size(), 4u);
    EXPECT_EQ(out[1], '\\') << "control character " << c << " written raw";
  }
}

TEST(JsonString, Utf8AndPrintableAsciiPassThrough) {
  EXPECT_EQ(string_literal("caf\xc3\xa9 \xf0\x9f\x98\x80 ~"), "\"caf\xc3\xa9 \xf0\x9f\x98\x80 ~\"");
  EXPECT_EQ(string_literal(""), "\"\"");
}

TEST(JsonString, AppendsToExistingContent) {
  std::string out = "{\"k\":";
  append_string(out, "v");
  EXPECT_EQ(out, "{\"k\":\"v\"");
}

TEST(JsonString, DeleteIsEscaped) {
  EXPECT_EQ(string_literal(std::string_view("\0\x1f\x7f", 3)), R"("\u0000\u001f\u007f")");
}

TEST(JsonString, IllFormedUtf8BecomesReplacementCharacters) {
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_EQ(string_literal("a\xFF"), "\"a" + replacement + "\"");
  EXPECT_EQ(string_literal("\xC0\xAF"), "\"" + replacement + replacement + "\"");  // overlong
  EXPECT_EQ(string_literal("\xED\xA0\x80"),  // surrogate: three bad bytes
            "\"" + replacement + replacement + replacement + "\"");
  EXPECT_EQ(string_literal("\xE2\x82"), "\"" + replacement + replacement + "\"");  // truncated
  EXPECT_EQ(string_literal("ok\xF4\x90\x80\x80!"),                                 // above U+10FFFF
            "\"ok" + replacement + replacement + replacement + replacement + "!\"");
}

TEST(JsonString, QuotedEqualsAppend) { EXPECT_EQ(quoted("a\"b"), string_literal("a\"b")); }

TEST(JsonNumber, IntegralValuesKeepADecimalPoint) {
  EXPECT_EQ(number(0.0), "0.0");
  EXPECT_EQ(number(1.0), "1.0");
  EXPECT_EQ(number(-1.0), "-1.0");
  EXPECT_EQ(number(100.0), "100.0");
}

TEST(JsonNumber, NegativeZeroIsWrittenAsZero) { EXPECT_EQ(number(-0.0), "0.0"); }

TEST(JsonNumber, ShortestRoundTrip) {
  EXPECT_EQ(number(0.5), "0.5");
  EXPECT_EQ(number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(number(-0.4404), "-0.4404");
  EXPECT_EQ(number(0.6369), "0.6369");
}

// The reference: to_chars' shortest form, plus ".0" when it has neither a point
// nor an exponent (what append_number wrote before its fast path).
std::string to_chars_reference(double value) {
  if (value == 0) value = 0;
  char digits[32];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  std::string text(digits, end);
  if (text.find_first_of(".e") == std::string::npos) text.append(".0");
  return text;
}

TEST(JsonNumber, FourDecimalFastPathMatchesToChars) {
  // Every score VADER can produce: multiples of 0.0001 in [-1, 1], computed the way
  // Python's round() result reaches us (the double nearest to k / 10^4).
  for (int k = -10000; k <= 10000; ++k) {
    const double value = static_cast<double>(k) / 10000.0;
    ASSERT_EQ(number(value), to_chars_reference(value)) << "k = " << k;
  }
}

TEST(JsonNumber, OtherValuesMatchToChars) {
  std::mt19937_64 random(20261123);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  for (int i = 0; i < 100000; ++i) {
    const double value = unit(random);
    ASSERT_EQ(number(value), to_chars_reference(value)) << value;
  }
  for (double value : {0.00005, 0.0001, -0.0009, 0.001, 0.99995, 1.00001, 1.0001, 2.5, -1.5}) {
    EXPECT_EQ(number(value), to_chars_reference(value)) << value;
  }
}

TEST(JsonNumber, LargeAndTinyValuesUseAnExponent) {
  EXPECT_EQ(number(1e21), "1e+21");
  EXPECT_EQ(number(1e-7), "1e-07");
}

TEST(JsonNumber, NonFiniteBecomesNull) {
  EXPECT_EQ(number(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(number(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(number(-std::numeric_limits<double>::infinity()), "null");
}

TEST(JsonNumber, RandomValuesReadBackExactly) {
  std::mt19937_64 random(20261123);
  std::uniform_real_distribution<double> compound(-1.0, 1.0);
  for (int i = 0; i < 10'000; ++i) {
    double value = i % 2 == 0
                       ? compound(random)
                       : std::ldexp(compound(random), static_cast<int>(random() % 200) - 100);
    std::string text = number(value);
    ASSERT_NE(text.find_first_of(".e"), std::string::npos) << text;
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), value) << text;
  }
}

TEST(JsonInteger, WritesPlainDigits) {
  std::string out;
  append_integer(out, 0);
  out.push_back(',');
  append_integer(out, -42);
  out.push_back(',');
  append_integer(out, std::numeric_limits<long long>::max());
  EXPECT_EQ(out, "0,-42,9223372036854775807");
}

}  // namespace
}  // namespace smlapi::json
