// analyze() of sentiment@5.0.2, rule by rule. Every expected value below is what
// new (require('sentiment'))().analyze(text) printed under Node.js 20.
#include "afinn/analyzer.h"

#include <cmath>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "result_matchers.h"

namespace smlapi::afinn {
namespace {

using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::Succeeds;
using Words = std::vector<std::string_view>;

Analysis analyze(std::string_view text) {
  Analyzer analyzer(Model::builtin());
  auto analysis = analyzer.score(text);
  EXPECT_TRUE(analysis.has_value());
  return analysis ? *analysis : Analysis{};
}

TEST(Analyzer, ThePackageReadmeExample) {
  const auto a = analyze("I love cats, but I am allergic to them.");
  EXPECT_EQ(a.score, 1);
  EXPECT_EQ(a.comparative, 0.1111111111111111);
  EXPECT_EQ(a.token_count, 9u);
  EXPECT_EQ(a.words, (Words{"allergic", "love"}));
  EXPECT_EQ(a.positive, (Words{"love"}));
  EXPECT_EQ(a.negative, (Words{"allergic"}));
  EXPECT_EQ(a.calculation, (std::vector<WordScore>{{"allergic", -2}, {"love", 3}}));
}

TEST(Analyzer, ComparativeIsScoreOverTokenCount) {
  const auto a = analyze("Cats are stupid.");
  EXPECT_EQ(a.score, -2);
  EXPECT_EQ(a.comparative, -0.6666666666666666);
}

TEST(Analyzer, ListsRunFromTheLastWordAndKeepDuplicates) {
  const auto a = analyze("good good bad");
  EXPECT_EQ(a.score, 3);
  EXPECT_EQ(a.words, (Words{"bad", "good", "good"}));
  EXPECT_EQ(a.positive, (Words{"good", "good"}));
  EXPECT_EQ(a.calculation, (std::vector<WordScore>{{"bad", -3}, {"good", 3}, {"good", 3}}));
}

TEST(Analyzer, CaseDoesNotMatter) {
  const auto a = analyze("Good, bad. UGLY!");
  EXPECT_EQ(a.score, -3);
  EXPECT_EQ(a.comparative, -1);
  EXPECT_EQ(a.calculation, (std::vector<WordScore>{{"ugly", -3}, {"bad", -3}, {"good", 3}}));
}

TEST(Analyzer, EmojiScoreOnlyAsWholeTokens) {
  EXPECT_EQ(analyze("superb 👍").score, 7);
  EXPECT_EQ(analyze("😭").score, -1);
  EXPECT_EQ(analyze("😂😂").score, 0);
  EXPECT_EQ(analyze("good😂").score, 0);
  EXPECT_EQ(analyze("❤️").score, 0);  // U+FE0F makes it another token than "❤"
}

TEST(Analyzer, NonAsciiEntriesMatchAfterJavaScriptLowercasing) {
  EXPECT_EQ(analyze("NAÏVE").score, -2);
  EXPECT_EQ(analyze("\u212AISS").score, 2);  // Kelvin sign lowercases to ASCII "k"
  // The table has both Ⓐ and ⓐ; only the lowercase one can ever match.
  const auto a = analyze("Ⓐ ⓐ");
  EXPECT_EQ(a.score, 10);
  EXPECT_EQ(a.words, (Words{"ⓐ", "ⓐ"}));
}

TEST(Analyzer, MultiWordEntriesNeverMatch) {
  const auto a = analyze("kind of");  // "kind of" is 0 in the table; "kind" alone is 2
  EXPECT_EQ(a.score, 2);
  EXPECT_EQ(a.words, (Words{"kind"}));
}

TEST(Analyzer, LoneTabJoinsWords) {
  const auto a = analyze("good\tgood");
  EXPECT_EQ(a.score, 0);
  EXPECT_EQ(a.token_count, 1u);
}

TEST(Analyzer, TextWithoutWordsCountsOneToken) {
  for (const std::string_view text : {"", "   ", "!!!"}) {
    const auto a = analyze(text);
    EXPECT_EQ(a.score, 0) << text;
    EXPECT_EQ(a.comparative, 0.0) << text;
    EXPECT_FALSE(std::signbit(a.comparative)) << text;
    EXPECT_EQ(a.token_count, 1u) << text;
    EXPECT_TRUE(a.words.empty()) << text;
  }
}

TEST(Analyzer, RefusesIllFormedUtf8) {
  Analyzer analyzer(Model::builtin());
  for (const std::string_view text : {std::string_view("good \xff"), std::string_view("\xc3"),
                                      std::string_view("\xed\xa0\x80"),  // a surrogate
                                      std::string_view("\xc0\xaf")}) {   // overlong '/'
    EXPECT_THAT(analyzer.score(text), FailsWith(TextError::invalid_utf8))
        << testing::PrintToString(text);
  }
  EXPECT_THAT(analyzer.score("good"), Succeeds());  // and recovers
}

TEST(Analyzer, EmbeddedNulIsOrdinaryText) {
  const auto a = analyze(std::string_view("good\0 bad", 9));
  EXPECT_EQ(a.score, -3);  // "good\0" is not "good"
  EXPECT_EQ(a.token_count, 2u);
}

}  // namespace
}  // namespace smlapi::afinn
