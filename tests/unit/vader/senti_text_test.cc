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
