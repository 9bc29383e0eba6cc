// Explanations: on every reference vector they add up, bit for bit, to the sum the
// normalisation starts from and never change the scores; each rule shows up on a small text.
#include <bit>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reference_vectors.h"
#include "vader/explanation.h"
#include "vader/python_round.h"
#include "vader/sentiment_analyzer.h"

namespace smlapi::vader {
namespace {

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

bool same_scores(const PolarityScores& a, const PolarityScores& b) {
  return same_bits(a.neg, b.neg) && same_bits(a.neu, b.neu) && same_bits(a.pos, b.pos) &&
         same_bits(a.compound, b.compound);
}

// What a token's valence must be after its steps (before "but"), read from the steps alone.
double valence_from_steps(const Explanation& e, const TokenExplanation& token) {
  if (token.step_count != 0) return e.steps[token.first_step + token.step_count - 1].valence;
  return token.role == TokenRole::lexicon ? token.lexicon : 0.0;
}

// The failures of the identity for one text, empty when it holds.
std::string identity_failures(SentimentAnalyzer& plain, SentimentAnalyzer& explaining,
                              Explanation& e, const std::string& text) {
  std::string failures;
  const auto scores = plain.polarity_scores(text);
  const auto explained = explaining.explain(text, e);
  if (!scores || !explained) return "not scored";
  if (!same_scores(*scores, *explained)) failures += " scores differ;";
  double word_sum = 0.0;  // left to right from 0.0, as CPython <= 3.11 sum()
  for (const TokenExplanation& token : e.tokens) {
    word_sum += token.valence;
    // Compared as values: an unrecorded "+ 0.0" may turn a -0.0 step into 0.0, which no sum
    // can observe (the sum starts from 0.0).
    if (!token.rescaled_by_but && token.valence != valence_from_steps(e, token)) {
      failures += " token '" + std::string(token.token) + "' valence " +
                  std::to_string(token.valence) + " is not its last step's " +
                  std::to_string(valence_from_steps(e, token)) + ";";
    }
  }
  if (!same_bits(word_sum, e.word_sum)) failures += " token valences do not add up to word_sum;";
  if (!same_bits(e.word_sum + e.punctuation, e.sum)) failures += " word_sum + punctuation != sum;";
  const double normalized = std::clamp(e.sum / std::sqrt(e.sum * e.sum + 15), -1.0, 1.0);
  if (!e.tokens.empty() && !same_bits(normalized, e.compound_unrounded)) {
    failures += " compound_unrounded is not normalize(sum);";
  }
  if (!same_bits(python_round(e.compound_unrounded, 4), explained->compound)) {
    failures += " compound is not round(compound_unrounded, 4);";
  }
  return failures;
}

TEST(ReferenceVectorsExplained, ContributionsAddUpAndScoresUnchanged) {
  std::ifstream in(testing_vectors::vectors_path(), std::ios::binary);
  if (!in) GTEST_SKIP() << "reference vectors not found at " << testing_vectors::vectors_path();
  const auto vectors = testing_vectors::read_vectors(in);
  ASSERT_GT(vectors.size(), 0u);
  SentimentAnalyzer plain(Model::builtin());
  SentimentAnalyzer explaining(Model::builtin());
  Explanation e;
  std::size_t failed = 0;
  std::size_t with_steps = 0;
  for (const auto& vector : vectors) {
    const std::string failures = identity_failures(plain, explaining, e, vector.text);
    with_steps += !e.steps.empty();
    if (!failures.empty()) {
      ++failed;
      ADD_FAILURE() << "line " << vector.line << ": " << testing::PrintToString(vector.text)
                    << failures;
    }
  }
  std::cout << "[ explained ] " << vectors.size() - failed << "/" << vectors.size()
            << " add up exactly, " << with_steps << " with at least one rule step\n";
  EXPECT_EQ(failed, 0u);
}

struct Explained {
  Explanation e;
  std::string json;
};

Explained explain(SentimentAnalyzer& analyzer, std::string_view text) {
  Explained out;
  EXPECT_TRUE(analyzer.explain(text, out.e).has_value());
  append_json(out.json, out.e);
  return out;
}

class ExplanationRules : public ::testing::Test {
 protected:
  SentimentAnalyzer analyzer{Model::builtin()};
  Explained of(std::string_view text) { return explain(analyzer, text); }
};

using ::testing::HasSubstr;

TEST_F(ExplanationRules, KindOfDampensAndScoresZeroItself) {
  const auto x = of("The book was kind of good.");
  EXPECT_THAT(x.json, HasSubstr(R"({"token":"kind","role":"kind_of","valence":0.0})"));
  EXPECT_THAT(
      x.json,
      HasSubstr(
          R"({"token":"good","role":"lexicon","lexicon":1.9,"rules":[{"rule":"phrase_booster","by":"kind of","valence":1.607}],"valence":1.607})"));
}

TEST_F(ExplanationRules, NotNegates) {
  const auto x = of("not bad");
  EXPECT_THAT(x.json, HasSubstr(R"({"token":"not","role":"none","valence":0.0})"));
  EXPECT_THAT(
      x.json,
      HasSubstr(R"("lexicon":-2.5,"rules":[{"rule":"negation","by":"not","valence":1.85}])"));
  EXPECT_THAT(x.json, HasSubstr(R"("word_sum":1.85,)"));
}

TEST_F(ExplanationRules, CapsBoosterCapsWordAndExclamations) {
  const auto x = of("The food was VERY GOOD!!!");
  EXPECT_THAT(x.json, HasSubstr(R"({"token":"VERY","role":"booster","valence":0.0})"));
  EXPECT_THAT(
      x.json,
      HasSubstr(
          R"("rules":[{"rule":"all_caps","valence":2.633},{"rule":"booster","by":"VERY","caps":true,"valence":3.659}],"valence":3.659})"));
  EXPECT_THAT(
      x.json,
      HasSubstr(
          R"("word_sum":3.659,"punctuation":{"exclamations":3,"questions":0,"valence":0.8759999999999999},"sum":4.535,)"));
  EXPECT_EQ(x.e.scores.compound, 0.7604);
}

TEST_F(ExplanationRules, AllCapsTextHasNoCapsRule) {
  // The reference only emphasises capitals when some, not all, words are in capitals.
  const auto x = of("VERY GOOD!!!");
  EXPECT_THAT(x.json, HasSubstr(R"("rules":[{"rule":"booster","by":"VERY","valence":2.193}])"));
}

TEST_F(ExplanationRules, ButHalvesBeforeAndAddsHalfAfter) {
  const auto x = of("good but terrible");
  EXPECT_THAT(
      x.json,
      HasSubstr(
          R"({"token":"good","role":"lexicon","lexicon":1.9,"rules":[{"rule":"but","by":"but","valence":0.95}],"valence":0.95})"));
  EXPECT_THAT(
      x.json,
      HasSubstr(
          R"("lexicon":-2.1,"rules":[{"rule":"but","by":"but","valence":-3.1500000000000004}])"));
}

TEST_F(ExplanationRules, IdiomSetsTheValence) {
  // Idioms are only looked for from the fourth word on, as in the reference.
  EXPECT_THAT(
      of("It was the shit").json,
      HasSubstr(R"("lexicon":-2.6,"rules":[{"rule":"idiom","by":"the shit","valence":3.0}])"));
  EXPECT_THAT(of("the shit").json, HasSubstr(R"("lexicon":-2.6,"valence":-2.6})"));
}

TEST_F(ExplanationRules, EmoticonIsALexiconWord) {
  EXPECT_THAT(of(":)").json,
              HasSubstr(R"x({"token":":)","role":"lexicon","lexicon":2.0,"valence":2.0})x"));
}

TEST_F(ExplanationRules, EmojiTokensNameTheirEmoji) {
  const auto x = of("  I 😁 it");
  EXPECT_THAT(
      x.json,
      HasSubstr(R"({"token":"I","role":"none","valence":0.0},{"token":"beaming","emoji":"😁")"));
  EXPECT_THAT(
      x.json,
      HasSubstr(R"({"token":"smiling","emoji":"😁","role":"lexicon","lexicon":2.0,"valence":2.0})"));
  EXPECT_THAT(x.json, HasSubstr(R"({"token":"it","role":"none","valence":0.0})"));
  // Glued to a word: the description starts after an inserted space, or ends in the word.
  const auto glued = of("ok😁ok");
  EXPECT_THAT(glued.json, HasSubstr(R"({"token":"ok","role":"lexicon")"));
  EXPECT_THAT(glued.json, HasSubstr(R"({"token":"eyesok","emoji":"😁")"));
}

TEST_F(ExplanationRules, LeastNegatesUnlessAtLeast) {
  EXPECT_THAT(of("least good").json,
              HasSubstr(R"("rules":[{"rule":"least","by":"least","valence":-1.406}])"));
  EXPECT_THAT(of("at least good").json, HasSubstr(R"("lexicon":1.9,"valence":1.9})"));
}

TEST_F(ExplanationRules, NoNegatesTheNextWordAndScoresZero) {
  const auto x = of("no good");
  EXPECT_THAT(
      x.json,
      HasSubstr(R"("rules":[{"rule":"no_next_word","by":"good","valence":0.0}],"valence":0.0})"));
  EXPECT_THAT(x.json,
              HasSubstr(R"("rules":[{"rule":"negated_by_no","by":"no","valence":-1.406}])"));
}

TEST_F(ExplanationRules, WithoutDoubtKeepsTheValence) {
  EXPECT_THAT(
      of("without a doubt good").json,
      HasSubstr(
          R"("lexicon":1.9,"rules":[{"rule":"without_doubt","by":"without a doubt","valence":1.9}])"));
}

TEST_F(ExplanationRules, NeverSoAmplifies) {
  EXPECT_THAT(
      of("never so good").json,
      HasSubstr(
          R"("rules":[{"rule":"booster","by":"so","valence":2.193},{"rule":"never_so","by":"never so","valence":2.74125}])"));
}

TEST_F(ExplanationRules, DampenerThreeWordsBackDecays) {
  // 1.9 - 0.293 * 0.9 (third word back), in doubles
  EXPECT_THAT(
      of("slightly the food good").json,
      HasSubstr(R"("rules":[{"rule":"dampener","by":"slightly","valence":1.6362999999999999}])"));
}

TEST_F(ExplanationRules, QuestionMarksAddToNegativeSums) {
  const auto x = of("bad??");
  EXPECT_THAT(
      x.json,
      HasSubstr(R"("punctuation":{"exclamations":0,"questions":2,"valence":-0.36},"sum":-2.86,)"));
}

TEST_F(ExplanationRules, NoWordsNoSum) {
  const auto x = of("   ");
  EXPECT_EQ(
      x.json,
      R"({"tokens":[],"word_sum":0.0,"punctuation":{"exclamations":0,"questions":0,"valence":0.0},"sum":0.0,"compound_unrounded":0.0})");
}

TEST_F(ExplanationRules, InvalidUtf8IsRefused) {
  Explanation e;
  EXPECT_FALSE(analyzer.explain("\xff", e).has_value());
}

}  // namespace
}  // namespace smlapi::vader
