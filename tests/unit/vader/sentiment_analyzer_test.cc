#include "vader/sentiment_analyzer.h"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "result_matchers.h"
#include "vader/score_batch.h"

namespace smlapi::vader {
namespace {

using ::smlapi::result_testing::ErrorOf;
using ::smlapi::result_testing::FailsWith;

TEST(SentimentAnalyzer, InvalidUtf8IsAnErrorValue) {
  SentimentAnalyzer analyzer(Model::builtin());
  const auto scores = analyzer.polarity_scores("good \xFF bad");
  EXPECT_THAT(scores, FailsWith(TextError::invalid_utf8));
  EXPECT_EQ(to_string(ErrorOf(scores)), "invalid UTF-8 in input text");
  // The analyzer stays usable.
  EXPECT_EQ(analyzer.polarity_scores("good")->compound, 0.4404);
}

TEST(SentimentAnalyzer, ReusingTheAnalyzerGivesTheSameScores) {
  SentimentAnalyzer reused(Model::builtin());
  const std::vector<std::string> texts = {"I LOVE it", "good but bad but good",
                                          std::string(5000, 'x') + " great", "", "no good"};
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& text : texts) {
      SentimentAnalyzer fresh(Model::builtin());
      EXPECT_EQ(*reused.polarity_scores(text), *fresh.polarity_scores(text)) << text;
    }
  }
}

TEST(SentimentAnalyzer, PathologicalInputStaysInRange) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "good \xF0\x9F\x98\x81 but BAD!!! ";
  SentimentAnalyzer analyzer(Model::builtin());
  const auto scores = analyzer.polarity_scores(text);
  ASSERT_TRUE(scores.has_value());
  EXPECT_GE(scores->compound, -1.0);
  EXPECT_LE(scores->compound, 1.0);
  EXPECT_NEAR(scores->neg + scores->neu + scores->pos, 1.0, 0.002);
}

TEST(ScoreBatch, EqualsScoringOneByOneInOrder) {
  std::vector<std::string> storage;
  for (int i = 0; i < 3000; ++i) {
    storage.push_back(i % 7 == 0   ? "bad \xC3"
                      : i % 2 == 0 ? "The movie was good but the ending was VERY bad!"
                                   : "meh " + std::to_string(i) + " :)");
  }
  storage.push_back(std::string(200000, 'a') + " wonderful");  // makes threading pay off
  const std::vector<std::string_view> texts(storage.begin(), storage.end());
  const auto model = Model::builtin();
  SentimentAnalyzer analyzer(model);
  for (const unsigned threads : {1u, 2u, 0u}) {
    const auto results = score_batch(model, texts, threads);
    ASSERT_EQ(results.size(), texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const auto expected = analyzer.polarity_scores(texts[i]);
      ASSERT_EQ(results[i].has_value(), expected.has_value()) << i;
      if (expected.has_value()) {
        ASSERT_EQ(*results[i], *expected) << i;
      }
    }
  }
}

TEST(ScoreBatch, EmptyBatch) { EXPECT_TRUE(score_batch(Model::builtin(), {}, 4).empty()); }

}  // namespace
}  // namespace smlapi::vader
