#include "afinn/model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "result_matchers.h"

#include "afinn/embedded_model_data.h"

namespace smlapi::afinn {
namespace {

using ::smlapi::result_testing::FailsWith;
using ::testing::AllOf;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::Not;

TEST(Model, BuiltinHoldsThePackageTables) {
  const auto model = Model::builtin();
  // languages/en/labels.json has 3,382 keys and build/emoji.json 767, none shared.
  EXPECT_EQ(model->entry_count(), 3382u + 767u);
  EXPECT_EQ(model->find("good")->score, 3);
  EXPECT_EQ(model->find("naïve")->score, -2);
  EXPECT_EQ(model->find("😂")->score, 1);
  EXPECT_EQ(model->find("kind of")->score, 0);
  EXPECT_FALSE(model->find("Good").has_value());  // keys are looked up as tokens: lowercased
  EXPECT_TRUE(model->is_negator("don't"));
  EXPECT_FALSE(model->is_negator("never"));  // not in sentiment@5.0.2's list
  EXPECT_TRUE(model->version().starts_with("afinn-165-sentiment-5.0.2+"));
  EXPECT_EQ(model->version().size(), std::string_view("afinn-165-sentiment-5.0.2+").size() + 12);
}

TEST(Model, VersionFollowsContentNotOrder) {
  const auto a = Model::from_text("good\t3\nbad\t-3\n", "😂\t1\n", "not\nno\n").value();
  const auto b = Model::from_text("bad\t-3\ngood\t3", "😂\t1", "no\r\nnot\r\n").value();
  const auto c = Model::from_text("good\t3\nbad\t-2\n", "😂\t1\n", "not\nno\n").value();
  EXPECT_EQ(a->version(), b->version());
  EXPECT_NE(a->version(), c->version());
  EXPECT_NE(a->version(), Model::builtin()->version());
}

TEST(Model, EmojiTableWinsOverWordsLikeObjectAssign) {
  const auto model = Model::from_text("x\t2\n", "x\t-4\n", "").value();
  EXPECT_EQ(model->find("x")->score, -4);
  EXPECT_EQ(model->entry_count(), 1u);
}

struct BadInput {
  std::string_view words;
  std::string_view emoji;
  std::string_view negators;
  std::string_view file;
  std::size_t line;
};

TEST(Model, ReportsTheFirstProblemWithFileAndLine) {
  const BadInput cases[] = {
      {"good\t3\nbad -3\n", "", "", "afinn_165_words.tsv", 2},     // no TAB
      {"good\t3\t1\n", "", "", "afinn_165_words.tsv", 1},          // three fields
      {"good\t6\n", "", "", "afinn_165_words.tsv", 1},             // out of scale
      {"good\t+3\n", "", "", "afinn_165_words.tsv", 1},            // not JSON's spelling
      {"good\t-0\n", "", "", "afinn_165_words.tsv", 1},            // not JSON's spelling
      {"good\t3.5\n", "", "", "afinn_165_words.tsv", 1},           // not an integer
      {"good\t\n", "", "", "afinn_165_words.tsv", 1},              // no score
      {"\t3\n", "", "", "afinn_165_words.tsv", 1},                 // no key
      {"good\t3\n\ngood\t2\n", "", "", "afinn_165_words.tsv", 3},  // duplicate
      {"", "ok\t1\n\xff\t1\n", "", "emoji_scores.tsv", 2},         // ill-formed UTF-8
      {"", "", "not\nnot\n", "negators.txt", 2},                   // duplicate
      {"", "", "do not\n", "negators.txt", 1},                     // two words
  };
  for (const auto& bad : cases) {
    EXPECT_THAT(Model::from_text(bad.words, bad.emoji, bad.negators),
                FailsWith(AllOf(Field(&ModelLoadError::file, bad.file),
                                Field(&ModelLoadError::line, bad.line),
                                Field(&ModelLoadError::reason, Not(IsEmpty())))))
        << bad.words << bad.emoji << bad.negators;
  }
}

TEST(Model, ValueThrowsWithTheReason) {
  EXPECT_THROW(Model::from_text("good 3", "", "").value(), std::runtime_error);
}

TEST(Model, EmbeddedFilesAreTheCommittedOnes) {
  EXPECT_TRUE(embedded::words_file().starts_with("abandon\t-2\n"));
  EXPECT_TRUE(embedded::negators_file().starts_with("cant\n"));
  EXPECT_TRUE(embedded::emoji_file().starts_with("😂\t1\n"));
}

}  // namespace
}  // namespace smlapi::afinn
