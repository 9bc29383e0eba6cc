// Change files (--lexicon-overrides): words added, re-rated and removed, multi-word phrases,
// ignored columns, bounds, and errors that name the line.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "result_matchers.h"
#include "vader/lexicon_parser.h"
#include "vader/model.h"
#include "vader/sentiment_analyzer.h"

namespace smlapi::vader {
namespace {

using ::smlapi::result_testing::ErrorOf;
using ::smlapi::result_testing::FailsWith;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::Pair;

double compound(const std::shared_ptr<const Model>& model, std::string_view text) {
  SentimentAnalyzer analyzer(model);
  return analyzer.polarity_scores(text)->compound;
}

std::shared_ptr<const Model> changed(std::string_view text) {
  return Model::with_overrides(Model::builtin(), text).value();
}

TEST(LexiconChanges, ParsesWordsRemovalsPhrasesAndIgnoredColumns) {
  const auto changes = parse_lexicon_overrides(
      "# comment\n"
      "chair\t2.5\t0.4\t[2, 3, 3]\n"  // vader_lexicon.txt's extra columns are ignored
      "good\t-\n"                     // removal
      "customer \v service\t-1.5\n"   // whitespace inside a phrase is one space
      "not bad at all\t2\r\n");
  ASSERT_TRUE(changes.has_value());
  EXPECT_THAT(changes->words,
              ElementsAre(Pair("chair", Optional(2.5)), Pair("good", std::nullopt)));
  EXPECT_THAT(changes->phrases,
              ElementsAre(Pair("customer service", -1.5), Pair("not bad at all", 2.0)));
}

TEST(LexiconChanges, LaterLinesWin) {
  const auto changes = parse_lexicon_overrides("good\t1\ngood\t-\nbad\t-\nbad\t-3\n");
  ASSERT_TRUE(changes.has_value());
  EXPECT_THAT(changes->words, ElementsAre(Pair("bad", Optional(-3.0)), Pair("good", std::nullopt)));
}

struct BadChange {
  std::string text;
  std::size_t line;
  const char* reason_fragment;
};

TEST(LexiconChanges, ErrorsNameTheLineAndTheReason) {
  const BadChange cases[] = {
      {"good\t1\nbad\n", 2, "word<TAB>valence"},
      {"ok\t1\n\ncustomer service\t-\n", 3, "only words can be removed"},
      {"a b c d e f\t1\n", 1, "more than 5 words"},
      {"a b c d e\t1\n" + std::string(300, 'x') + "\t1\n", 2, "longer than 256 bytes"},
      {"Customer service\t1\n", 1, "not lowercase"},
      {"# x\ncustomer service\t4.5\n", 2, "outside [-4, 4]"},
      {"customer service\tnan\n", 1, "outside [-4, 4]"},
      {"customer service\t--\n", 1, "not a number"},
      {"\t1\n", 1, "word<TAB>valence"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_THAT(parse_lexicon_overrides(c.text),
                FailsWith(AllOf(Field(&ModelLoadError::line, c.line),
                                Field(&ModelLoadError::reason, HasSubstr(c.reason_fragment)))));
  }
}

TEST(LexiconChanges, SizeAndEntryCountAreBounded) {
  std::string many;
  for (std::size_t i = 0; i <= kMaxChangeEntries; ++i) many += "w" + std::to_string(i) + "\t1\n";
  const auto too_many = ErrorOf(parse_lexicon_overrides(many));
  EXPECT_EQ(too_many.line, kMaxChangeEntries + 1);
  EXPECT_THAT(too_many.reason, HasSubstr("entries"));
  const std::string huge(kMaxChangeFileBytes + 1, '#');
  EXPECT_THAT(ErrorOf(parse_lexicon_overrides(huge)).reason, HasSubstr("larger than"));
}

TEST(LexiconChanges, RemovalTakesTheWordOutOfTheLexicon) {
  const auto model = changed("good\t-\nnever-heard-of\t-\n");
  EXPECT_FALSE(model->lexicon().contains("good"));
  EXPECT_EQ(model->lexicon_size(), Model::builtin()->lexicon_size() - 1);
  EXPECT_EQ(compound(model, "good"), 0);
  EXPECT_GT(compound(Model::builtin(), "good"), 0);
}

TEST(LexiconChanges, VersionFollowsWordsRemovalsAndPhrases) {
  const auto builtin = Model::builtin();
  const auto phrase = changed("customer service\t-1.5\n");
  const auto other_valence = changed("customer service\t-1.0\n");
  const auto removal = changed("good\t-\n");
  const std::string_view versions[] = {builtin->version(), phrase->version(),
                                       other_valence->version(), removal->version()};
  for (std::size_t i = 0; i < std::size(versions); ++i) {
    for (std::size_t j = i + 1; j < std::size(versions); ++j) EXPECT_NE(versions[i], versions[j]);
  }
  // Equal content, however written, is the same version; an unused removal changes nothing.
  EXPECT_EQ(changed("# same\ncustomer   service\t-1.50\tignored\n")->version(), phrase->version());
  EXPECT_EQ(changed("never-heard-of\t-\n")->version(), builtin->version());
  EXPECT_EQ(builtin->version(), "vader-3.3.2+038c30065b5e");  // no phrases: unchanged hash
}

}  // namespace
}  // namespace smlapi::vader
