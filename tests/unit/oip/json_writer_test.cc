#include "oip/json_writer.h"

#include <limits>

#include <gtest/gtest.h>

namespace smlapi::oip {
namespace {

std::string as_json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

std::string as_json_number(double value) {
  std::string out;
  append_json_number(out, value);
  return out;
}

TEST(AppendJsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(as_json_string("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(as_json_string("\n\r\t"), R"("\n\r\t")");
  EXPECT_EQ(as_json_string(std::string_view("\0\x1f\x7f", 3)), R"("\u0000\u001f\u007f")");
}

TEST(AppendJsonString, KeepsValidUtf8AsIs) {
  EXPECT_EQ(as_json_string("caf\xC3\xA9 \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
}

TEST(AppendJsonString, ReplacesInvalidUtf8) {
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_EQ(as_json_string("a\xFF"), "\"a" + replacement + "\"");
  EXPECT_EQ(as_json_string("\xC0\xAF"), "\"" + replacement + replacement + "\"");  // overlong
  EXPECT_EQ(as_json_string("\xED\xA0\x80"),  // surrogate: three bad bytes
            "\"" + replacement + replacement + replacement + "\"");
  EXPECT_EQ(as_json_string("\xE2\x82"), "\"" + replacement + replacement + "\"");  // truncated
}

TEST(AppendJsonNumber, WritesShortestRoundTripForm) {
  EXPECT_EQ(as_json_number(0.0), "0");
  EXPECT_EQ(as_json_number(0.5), "0.5");
  EXPECT_EQ(as_json_number(-0.4404), "-0.4404");
  EXPECT_EQ(as_json_number(0.1 + 0.2), "0.30000000000000004");
}

TEST(AppendJsonNumber, WritesZeroForValuesJsonCannotCarry) {
  EXPECT_EQ(as_json_number(std::numeric_limits<double>::quiet_NaN()), "0");
  EXPECT_EQ(as_json_number(std::numeric_limits<double>::infinity()), "0");
}

}  // namespace
}  // namespace smlapi::oip
