// lib/tokenize.js of sentiment@5.0.2, rule by rule. Every expected token list below is what
// require('sentiment/lib/tokenize')(input) printed under Node.js 20.
#include "afinn/tokenizer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace smlapi::afinn {
namespace {

std::vector<std::string> tokens_of(std::string_view text) {
  Tokenizer tokenizer;
  const auto& views = tokenizer.tokenize(text);
  return {views.begin(), views.end()};
}

using Tokens = std::vector<std::string>;

TEST(Tokenizer, LowercasesAndSplitsAtSpaces) {
  EXPECT_EQ(tokens_of("Cats are stupid."), (Tokens{"cats", "are", "stupid"}));
  EXPECT_EQ(tokens_of("I love cats, but I am allergic to them."),
            (Tokens{"i", "love", "cats", "but", "i", "am", "allergic", "to", "them"}));
}

TEST(Tokenizer, OnlyItsPunctuationClassSeparates) {
  EXPECT_EQ(tokens_of("not, good"), (Tokens{"not", "good"}));
  EXPECT_EQ(tokens_of("e-mail good"), (Tokens{"e-mail", "good"}));
  EXPECT_EQ(tokens_of("don't like"), (Tokens{"don't", "like"}));
  EXPECT_EQ(tokens_of("1 2 3 good"), (Tokens{"1", "2", "3", "good"}));
}

TEST(Tokenizer, EmojiStickToNeighbours) {
  EXPECT_EQ(tokens_of("good😂"), (Tokens{"good😂"}));
  EXPECT_EQ(tokens_of("😂😂"), (Tokens{"😂😂"}));
  EXPECT_EQ(tokens_of("❤️"), (Tokens{"❤️"}));
}

TEST(Tokenizer, OneNonSpaceWhitespaceCharacterStaysInsideTheToken) {
  EXPECT_EQ(tokens_of("good\tbad"), (Tokens{"good\tbad"}));
  EXPECT_EQ(tokens_of("good\rbad"), (Tokens{"good\rbad"}));
  EXPECT_EQ(tokens_of("good\u00a0bad"), (Tokens{"good\u00a0bad"}));
}

TEST(Tokenizer, RunsOfWhitespaceAndLineFeedsSeparate) {
  EXPECT_EQ(tokens_of("good\t\tbad"), (Tokens{"good", "bad"}));
  EXPECT_EQ(tokens_of("good \tbad"), (Tokens{"good", "bad"}));
  EXPECT_EQ(tokens_of("good\nbad"), (Tokens{"good", "bad"}));
}

TEST(Tokenizer, NextLineIsNotJavaScriptWhitespace) {
  EXPECT_EQ(tokens_of("good\u0085bad"), (Tokens{"good\u0085bad"}));
}

TEST(Tokenizer, TextWithoutWordsIsOneEmptyToken) {
  EXPECT_EQ(tokens_of(""), (Tokens{""}));
  EXPECT_EQ(tokens_of("   "), (Tokens{""}));
  EXPECT_EQ(tokens_of("!!!"), (Tokens{""}));
}

TEST(Tokenizer, FinalSigmaDependsOnTheOriginalTextAroundIt) {
  EXPECT_EQ(tokens_of("ΣΟΦΟΣ"), (Tokens{"σοφος"}));
  // '.' is case-ignorable, so "Β" beyond it still follows the sigma...
  EXPECT_EQ(tokens_of("ΑΣ.Β"), (Tokens{"ασ", "β"}));
  // ...but a space is not.
  EXPECT_EQ(tokens_of("ΑΣ. Β"), (Tokens{"ας", "β"}));
}

TEST(Tokenizer, TokensStayValidUntilTheNextCall) {
  Tokenizer tokenizer;
  const auto& first = tokenizer.tokenize("Good day");
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[1], "day");
  const auto& second = tokenizer.tokenize("x");
  EXPECT_EQ(second, (std::vector<std::string_view>{"x"}));
}

}  // namespace
}  // namespace smlapi::afinn
