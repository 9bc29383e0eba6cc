// Phrases: a run of tokens that spells a phrase is scored as one word with the phrase's
// valence, and VADER's rules apply around it. Each case is compared with the same text where
// the phrase is written as one made-up word that has the phrase's valence: the scores must be
// identical, for every rule that looks at neighbours.
#include <string>

#include <gtest/gtest.h>

#include "vader/model.h"
#include "vader/phrase_table.h"
#include "vader/sentiment_analyzer.h"

namespace smlapi::vader {
namespace {

std::shared_ptr<const Model> changed(std::string_view text) {
  return Model::with_overrides(Model::builtin(), text).value();
}

PolarityScores scores(const std::shared_ptr<const Model>& model, std::string_view text) {
  SentimentAnalyzer analyzer(model);
  return analyzer.polarity_scores(text).value();
}

const char* const kChanges =
    "customer service\t-2.5\n"
    "zzcs\t-2.5\n"
    "not bad at all\t2.0\n"
    "zznbaa\t2.0\n"
    "not bad\t1.5\n"
    "zznb\t1.5\n"
    "bad at\t-3.0\n"
    "zzba\t-3.0\n";

struct Equivalent {
  const char* with_phrase;
  const char* with_word;
};

TEST(PhraseMatching, ScoresAsOneWordWithTheRulesAroundIt) {
  const auto model = changed(kChanges);
  const Equivalent cases[] = {
      {"the customer service was slow", "the zzcs was slow"},
      {"customer service", "zzcs"},                    // the whole text
      {"Customer Service rocks", "zzcs rocks"},        // at the start, any case
      {"I called customer service", "I called zzcs"},  // at the end
      {"CUSTOMER SERVICE is ok", "ZZCS is ok"},        // ALL CAPS when every word is
      {"CUSTOMER service is ok", "zzcs is ok"},        // not ALL CAPS otherwise
      {"(customer service!)", "(zzcs!)"},              // punctuation stripped as VADER does
      {"not customer service", "not zzcs"},            // negation before a phrase
      {"very customer service", "very zzcs"},          // booster before a phrase
      {"good food but customer service", "good food but zzcs"},  // "but"
      {"it was not bad at all", "it was zznbaa"},                // longest match first
      {"not bad, honestly", "zznb, honestly"},                   // a shorter one when that is all
      {"not bad at", "zznb at"},                                 // overlapping: leftmost wins
      {"so bad at it", "so zzba it"},
      {"customer  \t service", "zzcs"},  // any whitespace between words
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.with_phrase);
    EXPECT_EQ(scores(model, c.with_phrase), scores(model, c.with_word));
  }
}

TEST(PhraseMatching, PartsOfAPhraseDoNotMatch) {
  const auto model = changed(kChanges);
  for (const char* text : {"customer", "service", "service customer", "customer-service",
                           "customerservice", "customer of service"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(scores(model, text), scores(Model::builtin(), text));
  }
}

TEST(PhraseMatching, PunctuationBetweenWordsIsStrippedAsVaderDoes) {
  // VADER strips punctuation from both ends of every token, so "customer," is "customer":
  // the words still spell the phrase (documented in docs/model.md).
  const auto model = changed(kChanges);
  EXPECT_EQ(scores(model, "customer, service"), scores(model, "zzcs"));
}

TEST(PhraseTable, LongestMatchFirstAndBounded) {
  Lexicon phrases{{"a b", 1.0}, {"a b c", 2.0}, {"b c", 3.0}};
  const PhraseTable table(phrases);
  EXPECT_EQ(table.max_words(), 3u);
  std::string joined;
  const std::string_view abc[] = {"a", "b", "c"};
  EXPECT_EQ(table.longest_match(abc, joined), 3u);
  EXPECT_EQ(joined, "a b c");
  EXPECT_EQ(table.longest_match(std::span(abc).first(2), joined), 2u);
  EXPECT_EQ(joined, "a b");
  EXPECT_EQ(table.longest_match(std::span(abc).subspan(1), joined), 2u);
  EXPECT_EQ(table.longest_match(std::span(abc).subspan(2), joined), 0u);
  const std::string_view ax[] = {"a", "x", "c"};
  EXPECT_EQ(table.longest_match(ax, joined), 0u);
  EXPECT_TRUE(PhraseTable().empty());
}

TEST(PhraseMatching, NoPhrasesLeavesTokensAlone) {
  const auto model = changed("chair\t1\n");
  EXPECT_TRUE(model->phrases().empty());
  EXPECT_EQ(scores(model, "customer service"), scores(Model::builtin(), "customer service"));
}

}  // namespace
}  // namespace smlapi::vader
