// languages/en/scoring-strategy.js of sentiment@5.0.2. Expected scores printed by
// new (require('sentiment'))().analyze(text).score under Node.js 20.
#include "afinn/negation_rule.h"

#include <gtest/gtest.h>

#include "afinn/analyzer.h"

namespace smlapi::afinn {
namespace {

std::int64_t score_of(std::string_view text) {
  Analyzer analyzer(Model::builtin());
  return analyzer.score(text).value().score;
}

TEST(NegationRule, ThePreviousTokenNegates) {
  EXPECT_EQ(score_of("not good"), -3);
  EXPECT_EQ(score_of("NOT GOOD"), -3);
  EXPECT_EQ(score_of("isnt bad"), 3);
  EXPECT_EQ(score_of("non toxic"), 3);
  EXPECT_EQ(score_of("don't like"), -2);
  EXPECT_EQ(score_of("not 👍"), -2);
  EXPECT_EQ(score_of("isnt 😭"), 1);
}

TEST(NegationRule, OnlyTheTokenRightBefore) {
  EXPECT_EQ(score_of("not very good"), 3);
  EXPECT_EQ(score_of("not not good"), -3);  // no double negation
  EXPECT_EQ(score_of("good not"), 3);
}

TEST(NegationRule, PunctuationIsGoneBeforeTheRuleLooks) {
  EXPECT_EQ(score_of("not, good"), -3);
  EXPECT_EQ(score_of("It is not. Good."), -3);
}

TEST(NegationRule, ATypographicApostropheIsAnotherWord) { EXPECT_EQ(score_of("don’t like"), 2); }

TEST(NegationRule, AnInheritedObjectPropertyNegates) {
  EXPECT_EQ(score_of("constructor good"), -3);
  EXPECT_EQ(score_of("Constructor bad"), 3);
  EXPECT_TRUE(is_negator(*Model::builtin(), "constructor"));
  EXPECT_FALSE(is_negator(*Model::builtin(), "tostring"));
}

TEST(NegationRule, AppliesToTheGivenTableScore) {
  const auto model = Model::builtin();
  const std::vector<std::string_view> tokens{"not", "good"};
  EXPECT_EQ(apply_negation_rule(*model, tokens, 1, 3), -3);
  EXPECT_EQ(apply_negation_rule(*model, tokens, 0, 3), 3);  // nothing before the first token
}

}  // namespace
}  // namespace smlapi::afinn
