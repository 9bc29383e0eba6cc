// Both families behind the seam: score(), score_and_read() and explain() give the same outputs,
// the readings count tokens as documented, and explain() appends one JSON object.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "afinn/model.h"
#include "afinn/sentiment_model.h"
#include "vader/model.h"
#include "vader/sentiment_model.h"

namespace smlapi::model {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::vector<std::string> kTexts = {"The book was kind of good.",
                                         "not bad",
                                         "VERY GOOD!!!",
                                         "good but terrible",
                                         "😁",
                                         "今天天气很好",
                                         "blorf zimmity",
                                         "   ",
                                         "Not good, not bad, but great :)"};

void expect_same_outputs(const Model& model) {
  auto plain = model.make_scorer();
  auto reading = model.make_scorer();
  auto explaining = model.make_scorer();
  const std::size_t width = model.info().outputs.size();
  for (const std::string& text : kTexts) {
    std::vector<double> a(width), b(width), c(width);
    Reading read;
    Reading explained_read;
    std::string json = "prefix:";
    ASSERT_TRUE(plain->score(text, a));
    ASSERT_TRUE(reading->score_and_read(text, b, read));
    ASSERT_TRUE(explaining->explain(text, c, explained_read, json));
    EXPECT_EQ(a, b) << text;
    EXPECT_EQ(a, c) << text;
    EXPECT_EQ(read.tokens, explained_read.tokens) << text;
    EXPECT_EQ(read.known_tokens, explained_read.known_tokens) << text;
    EXPECT_LE(read.known_tokens, read.tokens);
    EXPECT_THAT(json, StartsWith("prefix:{\"tokens\":[")) << "appends, keeps what was there";
    EXPECT_EQ(json.back(), '}');
  }
}

TEST(ScorerSeam, VaderExplainingAndReadingNeverChangeOutputs) {
  expect_same_outputs(vader::SentimentModel(vader::Model::builtin()));
}

TEST(ScorerSeam, AfinnExplainingAndReadingNeverChangeOutputs) {
  expect_same_outputs(afinn::SentimentModel(afinn::Model::builtin()));
}

TEST(ScorerSeam, VaderReadingCountsRuleWordsAsKnown) {
  auto scorer = vader::SentimentModel(vader::Model::builtin()).make_scorer();
  std::vector<double> out(4);
  Reading reading;
  // the (rule word), book, was, kind, of (rule words), good (lexicon)
  ASSERT_TRUE(scorer->score_and_read("The book was kind of good.", out, reading));
  EXPECT_EQ(reading.tokens, 6u);
  EXPECT_EQ(reading.known_tokens, 4u);
  ASSERT_TRUE(scorer->score_and_read("blorf wouldn't've", out, reading));
  EXPECT_EQ(reading.known_tokens, 1u);  // "n't" makes a negation
}

TEST(ScorerSeam, AfinnExplanationShowsNegation) {
  auto scorer = afinn::SentimentModel(afinn::Model::builtin()).make_scorer();
  std::vector<double> out(2);
  Reading reading;
  std::string json;
  ASSERT_TRUE(scorer->explain("This is not good", out, reading, json));
  EXPECT_EQ(
      json,
      R"({"tokens":[{"token":"this","role":"none","valence":0},)"
      R"({"token":"is","role":"none","valence":0},{"token":"not","role":"negator","valence":0},)"
      R"({"token":"good","role":"lexicon","lexicon":3,"rules":[{"rule":"negation","by":"not",)"
      R"("valence":-3}],"valence":-3}],"sum":-3,"token_count":4,"comparative":-0.75})");
  EXPECT_EQ(reading.tokens, 4u);
  EXPECT_EQ(reading.known_tokens, 2u);
  EXPECT_EQ(out[0], -3.0);
}

TEST(ScorerSeam, InvalidUtf8AppendsNothing) {
  for (const auto& model : std::vector<std::shared_ptr<const Model>>{
           std::make_shared<vader::SentimentModel>(vader::Model::builtin()),
           std::make_shared<afinn::SentimentModel>(afinn::Model::builtin())}) {
    auto scorer = model->make_scorer();
    std::vector<double> out(model->info().outputs.size());
    Reading reading;
    std::string json;
    EXPECT_FALSE(scorer->explain("\xff", out, reading, json));
    EXPECT_FALSE(scorer->score_and_read("\xff", out, reading));
    EXPECT_EQ(json, "");
  }
}

}  // namespace
}  // namespace smlapi::model
