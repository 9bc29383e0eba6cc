#include "vader/utf8.h"

#include <string>

#include <gtest/gtest.h>

namespace smlapi::vader::utf8 {
namespace {

TEST(Utf8Classify, AsciiAndUnicode) {
  EXPECT_EQ(classify(""), Encoding::ascii);
  EXPECT_EQ(classify("plain ascii text, longer than eight bytes"), Encoding::ascii);
  EXPECT_EQ(classify("caf\xC3\xA9"), Encoding::unicode);
  EXPECT_EQ(classify("\xE2\x82\xAC euro"), Encoding::unicode);
  EXPECT_EQ(classify("\xF0\x9F\x98\x81"), Encoding::unicode);
  EXPECT_EQ(classify("\xF4\x8F\xBF\xBF"), Encoding::unicode);  // U+10FFFF
}

TEST(Utf8Classify, RejectsIllFormedSequences) {
  EXPECT_EQ(classify("\x80"), Encoding::invalid);              // stray continuation
  EXPECT_EQ(classify("abc\xC3"), Encoding::invalid);           // truncated
  EXPECT_EQ(classify("\xC0\xAF"), Encoding::invalid);          // overlong '/'
  EXPECT_EQ(classify("\xC1\xBF"), Encoding::invalid);          // overlong
  EXPECT_EQ(classify("\xE0\x80\xAF"), Encoding::invalid);      // overlong 3-byte
  EXPECT_EQ(classify("\xED\xA0\x80"), Encoding::invalid);      // surrogate U+D800
  EXPECT_EQ(classify("\xF0\x80\x80\xAF"), Encoding::invalid);  // overlong 4-byte
  EXPECT_EQ(classify("\xF4\x90\x80\x80"), Encoding::invalid);  // above U+10FFFF
  EXPECT_EQ(classify("\xF5\x80\x80\x80"), Encoding::invalid);  // invalid lead
  EXPECT_EQ(classify("\xFF"), Encoding::invalid);
  EXPECT_EQ(classify("\xE2\x82"), Encoding::invalid);              // truncated 3-byte
  EXPECT_EQ(classify("12345678\xE2\x28\xA1"), Encoding::invalid);  // bad continuation
}

TEST(Utf8, DecodeAppendRoundTrip) {
  for (const char32_t cp : {U'a', U'\u00E9', U'\u20AC', U'\U0001F601', U'\U0010FFFF'}) {
    std::string encoded;
    append(encoded, cp);
    std::size_t pos = 0;
    EXPECT_EQ(decode_next(encoded, pos), cp);
    EXPECT_EQ(pos, encoded.size());
  }
}

TEST(Utf8, CodePointCountIsPythonLen) {
  EXPECT_EQ(code_point_count(""), 0u);
  EXPECT_EQ(code_point_count(":)"), 2u);
  EXPECT_EQ(code_point_count(":\xC3\x9E"), 2u);  // ":Þ"
  EXPECT_EQ(code_point_count("\xF0\x9F\x98\x81x"), 2u);
}

}  // namespace
}  // namespace smlapi::vader::utf8
