#include "vader/unicode_text.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace smlapi::vader::unicode {
namespace {

struct Lowered {
  std::string text;
  bool is_upper;
};

Lowered lower(std::string_view word) {
  Lowered result;
  std::vector<char32_t> scratch;
  result.is_upper = append_lower(word, result.text, scratch);
  return result;
}

TEST(UnicodeWhitespace, IsPythonStrSplitSet) {
  for (const char32_t cp :
       {0x09, 0x0A,   0x0B,   0x0C,   0x0D,   0x1C,   0x1D,   0x1E,   0x1F,   0x20,  0x85,
        0xA0, 0x1680, 0x2000, 0x2005, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000}) {
    EXPECT_TRUE(is_whitespace(cp)) << std::hex << static_cast<unsigned>(cp);
  }
  // Zero-width space and the Mongolian vowel separator are not whitespace for Python.
  for (const char32_t cp : {0x200B, 0x180E, 0xFEFF, 0x00, 0x08, 0x21}) {
    EXPECT_FALSE(is_whitespace(cp)) << std::hex << static_cast<unsigned>(cp);
  }
}

TEST(UnicodeWhitespace, LengthAtAndStrip) {
  EXPECT_EQ(whitespace_length_at("\xE3\x80\x80x", 0), 3u);  // U+3000
  EXPECT_EQ(whitespace_length_at("\xC2\x85x", 0), 2u);      // U+0085
  EXPECT_EQ(whitespace_length_at("\xC2\xA9x", 0), 0u);      // U+00A9 is not
  EXPECT_EQ(whitespace_length_at("\x1Fx", 0), 1u);
  EXPECT_EQ(strip_whitespace(" \xC2\xA0\tgood bad\xE2\x80\xA8\n"), "good bad");
  EXPECT_EQ(strip_whitespace("\xE3\x80\x80"), "");
  EXPECT_EQ(strip_whitespace("x"), "x");
}

TEST(PythonLower, AsciiAndLatin) {
  EXPECT_EQ(lower("GOOD").text, "good");
  // Long words take the eight-bytes-at-a-time path; the range edges must not bleed.
  EXPECT_EQ(lower("@AZ[`az{HELLOWORLD!?").text, "@az[`az{helloworld!?");
  EXPECT_TRUE(lower("HTTP://EXAMPLE.COM/X").is_upper);
  EXPECT_FALSE(lower("HTTP://EXAMPLE.COM/x").is_upper);
  EXPECT_FALSE(lower("x1234567890123456").is_upper);
  EXPECT_FALSE(lower("12345678901234567").is_upper);
  EXPECT_EQ(lower("\xC3\x89NORME").text, "\xC3\xA9norme");  // ÉNORME
  EXPECT_EQ(lower("STRASSE").text, "strasse");
  EXPECT_EQ(lower("\xE1\xBA\x9E").text, "\xC3\x9F");  // ẞ -> ß
}

TEST(PythonLower, FullMappingsAndSpecialCases) {
  EXPECT_EQ(lower("\xC4\xB0stanbul").text, "i\xCC\x87stanbul");  // İ -> i + U+0307
  EXPECT_EQ(lower("\xE2\x84\xAAind").text, "kind");              // KELVIN SIGN -> k
  EXPECT_EQ(lower(":\xC3\x9E").text, ":\xC3\xBE");               // ":Þ" -> ":þ"
}

TEST(PythonLower, FinalSigma) {
  // ΣΟΦΟΣ -> σοφος: the last sigma follows a cased letter and ends the word.
  EXPECT_EQ(lower("\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x9F\xCE\xA3").text,
            "\xCF\x83\xCE\xBF\xCF\x86\xCE\xBF\xCF\x82");
  // A lone sigma has no cased letter before it.
  EXPECT_EQ(lower("\xCE\xA3").text, "\xCF\x83");
  // Case-ignorable characters (here '.') are skipped when looking around.
  EXPECT_EQ(lower("A\xCE\xA3.").text, "a\xCF\x82.");
  EXPECT_EQ(lower("A\xCE\xA3.B").text, "a\xCF\x83.b");
}

TEST(PythonIsUpper, NeedsOneUppercaseAndNoLowercaseOrTitlecase) {
  EXPECT_TRUE(lower("GOOD").is_upper);
  EXPECT_TRUE(lower("A1!").is_upper);
  EXPECT_FALSE(lower("123").is_upper);
  EXPECT_FALSE(lower(":)").is_upper);
  EXPECT_FALSE(lower("Good").is_upper);
  EXPECT_TRUE(lower("\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x9F\xCE\xA3").is_upper);  // ΣΟΦΟΣ
  EXPECT_TRUE(lower("\xC3\x89NORME").is_upper);
  EXPECT_FALSE(lower("STRA\xC3\x9F"
                     "E")
                   .is_upper);                               // ß is lowercase
  EXPECT_FALSE(lower("FUN\xC7\x85").is_upper);               // ǅ is titlecase
  EXPECT_FALSE(lower("\xE6\x97\xA5\xE6\x9C\xAC").is_upper);  // no cased characters
}

}  // namespace
}  // namespace smlapi::vader::unicode
