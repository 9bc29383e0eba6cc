#include "vader/senti_text.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace smlapi::vader {
namespace {

std::vector<std::string> words_of(SentiText& text, std::string_view input) {
  EXPECT_TRUE(text.build(input, *Model::builtin()));
  std::vector<std::string> words;
  for (const Token& token : text.tokens()) words.emplace_back(token.word);
  return words;
}

using Words = std::vector<std::string>;

TEST(SentiText, SplitsOnPythonWhitespaceIncludingUnicode) {
  SentiText text;
  EXPECT_EQ(words_of(text,
                     "a\xC2\xA0"
                     "b\xE3\x80\x80"
                     "c\x1C"
                     "d\xC2\x85"
                     "e\te"),
            (Words{"a", "b", "c", "d", "e", "e"}));
  EXPECT_EQ(words_of(text,
                     "a\xE2\x80\x8B"
                     "b"),
            (Words{"a\xE2\x80\x8B"
                   "b"}));  // ZWSP joins
}

TEST(SentiText, StripsPunctuationUnlessTwoOrFewerCharactersRemain) {
  SentiText text;
  EXPECT_EQ(words_of(text, "(good) --bad-- e.g. :) :-) a. ab! abc!"),
            (Words{"good", "bad", "e.g", ":)", ":-)", "a.", "ab!", "abc"}));
  // Length counts code points, not bytes: "é!" keeps its '!' (1 character left).
  EXPECT_EQ(words_of(text, "\xC3\xA9!"), (Words{"\xC3\xA9!"}));
}

// The stripped length is counted in code points whatever the bytes: the fast paths for short
// ASCII starts and for more than eight bytes must agree with counting.
TEST(SentiText, StripsByCodePointsAtEveryLength) {
  SentiText text;
  const std::string double_struck_a = "\xF0\x9D\x94\xB8";  // U+1D538, four bytes, no emoji
  EXPECT_EQ(words_of(text, double_struck_a + double_struck_a + "!"),
            (Words{double_struck_a + double_struck_a + "!"}));  // 8 bytes, 2 characters
  EXPECT_EQ(words_of(text, double_struck_a + double_struck_a + double_struck_a + "!"),
            (Words{double_struck_a + double_struck_a + double_struck_a}));
  EXPECT_EQ(words_of(text, "\xC3\xA9\xC3\xA9! a\xC3\xA9! ab\xC3\xA9! abcdefgh!"),
            (Words{"\xC3\xA9\xC3\xA9!", "a\xC3\xA9!", "ab\xC3\xA9", "abcdefgh"}));
}

// negated(): "n't" anywhere in the word, also after another apostrophe.
TEST(SentiText, FindsNtAfterAnyApostrophe) {
  SentiText text;
  ASSERT_TRUE(
      text.build("didn't y'don't a'b'can't n't it's rock'n'roll don't' xn'tx", *Model::builtin()));
  std::vector<bool> negated;
  for (const Token& token : text.tokens()) negated.push_back(token.is_negated());
  EXPECT_EQ(negated, (std::vector<bool>{true, true, true, true, false, false, true, true}));
}

// A text with no emoji is scored as it came; one with emoji gets each one's description.
TEST(SentiText, SubstitutesOnlyWhenThereIsAnEmoji) {
  SentiText text;
  ASSERT_TRUE(text.build(" na\xC3\xAFve caf\xC3\xA9 \xE2\x80\x8D ", *Model::builtin()));
  EXPECT_EQ(text.text(), "na\xC3\xAFve caf\xC3\xA9 \xE2\x80\x8D");
  ASSERT_TRUE(text.build("caf\xC3\xA9 \xF0\x9F\x98\x81", *Model::builtin()));
  EXPECT_EQ(text.text(), "caf\xC3\xA9 beaming face with smiling eyes");
}

TEST(SentiText, SubstitutesEmojiWithReferenceSpacing) {
  SentiText text;
  ASSERT_TRUE(
      text.build("a\xF0\x9F\x98\x81"
                 "b",
                 *Model::builtin()));
  EXPECT_EQ(text.text(), "a beaming face with smiling eyesb");
  ASSERT_TRUE(text.build("\xF0\x9F\x98\x81\xF0\x9F\x98\x81 x", *Model::builtin()));
  EXPECT_EQ(text.text(), "beaming face with smiling eyes beaming face with smiling eyes x");
  // U+FE0F is not an emoji by itself; U+263A is.
  ASSERT_TRUE(text.build("\xE2\x98\xBA\xEF\xB8\x8F", *Model::builtin()));
  EXPECT_EQ(text.text(), "smiling face\xEF\xB8\x8F");
}

TEST(SentiText, AllCapsDifferentialNeedsSomeButNotAllCaps) {
  SentiText text;
  ASSERT_TRUE(text.build("GOOD DAY", *Model::builtin()));
  EXPECT_FALSE(text.is_cap_diff());
  ASSERT_TRUE(text.build("GOOD day", *Model::builtin()));
  EXPECT_TRUE(text.is_cap_diff());
  ASSERT_TRUE(text.build("good day", *Model::builtin()));
  EXPECT_FALSE(text.is_cap_diff());
}

TEST(SentiText, RejectsInvalidUtf8) {
  SentiText text;
  EXPECT_FALSE(text.build("good \xC3", *Model::builtin()));
}

}  // namespace
}  // namespace smlapi::vader
