#include "afinn/utf8.h"

#include <gtest/gtest.h>

namespace smlapi::afinn {
namespace {

TEST(Utf8, WellFormed) {
  EXPECT_TRUE(utf8::is_well_formed(""));
  EXPECT_TRUE(utf8::is_well_formed("plain"));
  EXPECT_TRUE(utf8::is_well_formed("naïve 😂 \xef\xbf\xbf \xf4\x8f\xbf\xbf"));  // U+FFFF, U+10FFFF
}

TEST(Utf8, IllFormed) {
  for (const std::string_view text :
       {"\x80", "\xc3", "\xc3(", "\xe0\x80\x80", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80",
        "\xf0\x8f\xbf\xbf", "\xf8\x88\x80\x80\x80", "\xc0\x80", "\xfe", "\xe2\x82"}) {
    EXPECT_FALSE(utf8::is_well_formed(text)) << testing::PrintToString(text);
  }
}

TEST(Utf8, DecodesBothWays) {
  const std::string_view text = "a\u00e9\u20ac\U0001F602";
  std::size_t pos = 0;
  EXPECT_EQ(utf8::decode_next(text, pos), U'a');
  EXPECT_EQ(utf8::decode_next(text, pos), U'\u00e9');
  EXPECT_EQ(utf8::decode_next(text, pos), U'\u20ac');
  EXPECT_EQ(utf8::decode_next(text, pos), U'\U0001F602');
  EXPECT_EQ(pos, text.size());
  EXPECT_EQ(utf8::decode_previous(text, pos), U'\U0001F602');
  EXPECT_EQ(utf8::decode_previous(text, pos), U'\u20ac');
  EXPECT_EQ(utf8::decode_previous(text, pos), U'\u00e9');
  EXPECT_EQ(utf8::decode_previous(text, pos), U'a');
  EXPECT_EQ(pos, 0u);
}

TEST(Utf8, AppendEncodesEveryLength) {
  std::string out;
  for (const char32_t cp : {U'a', U'\u00e9', U'\u20ac', U'\U0001F602'}) utf8::append(out, cp);
  EXPECT_EQ(out, "a\u00e9\u20ac\U0001F602");
}

}  // namespace
}  // namespace smlapi::afinn
