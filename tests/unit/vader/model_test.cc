#include "vader/model.h"

#include <string>

#include <gtest/gtest.h>

#include "result_matchers.h"
#include "vader/embedded_model_data.h"
#include "vader/sentiment_analyzer.h"

namespace smlapi::vader {
namespace {

using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::Succeeds;
using ::testing::AllOf;
using ::testing::Field;
using ::testing::HasSubstr;

double compound(const std::shared_ptr<const Model>& model, std::string_view text) {
  SentimentAnalyzer analyzer(model);
  return analyzer.polarity_scores(text)->compound;
}

TEST(Model, BuiltinIsSharedAndHasTheReferenceLexicon) {
  const auto model = Model::builtin();
  EXPECT_EQ(model, Model::builtin());
  // 7517 npm lines + heart, hearts, flawed = 7520 lines; 14 words (lol, xd, ...) appear twice
  // and, as in the reference's dict, the later line wins: 7506 distinct words.
  EXPECT_EQ(model->lexicon_size(), 7506u);
  EXPECT_EQ(model->lexicon().at("heart"), 3.2);
  EXPECT_EQ(model->lexicon().at("hearts"), 3.3);
  EXPECT_EQ(model->lexicon().at("flawed"), -2.1);
  EXPECT_EQ(model->lexicon().at("badass"), 1.4);
  EXPECT_EQ(model->emoji().description(0x1F3FB), "light skin tone");
  EXPECT_EQ(model->emoji().description(0x1F97F), "woman\xE2\x80\x99s flat shoe");
  EXPECT_EQ(model->emoji().description(U'a'), "");
  EXPECT_FALSE(model->emoji().has_ascii_entries());
}

TEST(Model, VersionIsContentDerivedAndStable) {
  const auto builtin = Model::builtin();
  const std::string_view version = builtin->version();
  ASSERT_EQ(version.size(), std::string_view("vader-3.3.2+").size() + 12);
  EXPECT_EQ(version.substr(0, 12), "vader-3.3.2+");
  // The same content loaded from text has the same version.
  const auto reloaded = Model::from_lexicon_text(embedded::lexicon_file());
  ASSERT_TRUE(reloaded.has_value());
  EXPECT_EQ((*reloaded)->version(), version);
  // Overriding a word with its own value changes nothing; a new value changes the version.
  const auto same = Model::with_overrides(builtin, "good\t1.9\n");
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ((*same)->version(), version);
  const auto different = Model::with_overrides(builtin, "good\t2.0\n");
  ASSERT_TRUE(different.has_value());
  EXPECT_NE((*different)->version(), version);
}

TEST(Model, OverridesAddAndReplaceEntries) {
  const auto model = Model::with_overrides(Model::builtin(),
                                           "# project-specific words\n"
                                           "\n"
                                           "smlapi\t2.5\n"
                                           "good\t-1.9\r\n"
                                           "  caf\xC3\xA9\t1.0  \n");
  ASSERT_THAT(model, Succeeds());
  EXPECT_EQ((*model)->lexicon_size(), Model::builtin()->lexicon_size() + 2);
  EXPECT_GT(compound(*model, "smlapi"), 0.5);
  EXPECT_EQ(compound(*model, "good"), -compound(Model::builtin(), "good"));
  EXPECT_GT(compound(*model, "CAF\xC3\x89 time"), 0);
  // The base model is untouched.
  EXPECT_EQ(compound(Model::builtin(), "smlapi"), 0);
}

struct BadOverride {
  const char* text;
  std::size_t line;
  const char* reason_fragment;
};

TEST(Model, OverrideErrorsNameTheLineAndTheReason) {
  const BadOverride cases[] = {
      {"good\t1\nbad\n", 2, "word<TAB>valence"},
      {"good 1\n", 1, "word<TAB>valence"},
      {"good\t1\t2\tx\nbad\t2\t\n\n4\n", 4, "word<TAB>valence"},
      {"\n\ngood\tgreat\n", 3, "not a number"},
      {"good\t1.5x\n", 1, "not a number"},
      {"good\t4.5\n", 1, "outside [-4, 4]"},
      {"good\tnan\n", 1, "outside [-4, 4]"},
      {"good\tinf\n", 1, "outside [-4, 4]"},
      {"Good\t1\n", 1, "not lowercase"},
      {"a\xC2\xA0"
       "B\t1\n",
       1, "not lowercase"},
      {"ok\t1\nbad\xC3\t1\n", 2, "UTF-8"},
      {"\t1\n", 1, "word<TAB>valence"},
  };
  for (const auto& c : cases) {
    const auto model = Model::with_overrides(Model::builtin(), c.text);
    SCOPED_TRACE(testing::PrintToString(std::string(c.text)));
    EXPECT_THAT(model,
                FailsWith(AllOf(Field(&ModelLoadError::line, c.line),
                                Field(&ModelLoadError::reason, HasSubstr(c.reason_fragment)))));
  }
}

TEST(Model, FullLexiconReplacesTheBuiltinOne) {
  const auto model = Model::from_lexicon_text("great\t-3.0\t0.5\t[1, 2]\nfine\t1.0\n");
  ASSERT_TRUE(model.has_value());
  EXPECT_EQ((*model)->lexicon_size(), 2u);
  EXPECT_LT(compound(*model, "great"), 0);
  EXPECT_EQ(compound(*model, "good"), 0);
  // Emoji still come from the builtin table: U+1F601 -> "beaming face with smiling eyes".
  EXPECT_EQ(compound(*model, "\xF0\x9F\x98\x81"), 0);
  EXPECT_NE(compound(Model::builtin(), "\xF0\x9F\x98\x81"), 0);
}

TEST(Model, FullLexiconErrors) {
  auto model = Model::from_lexicon_text("good\t1.9\nbroken line\n");
  EXPECT_THAT(model, FailsWith(Field(&ModelLoadError::line, 2u)));
  model = Model::from_lexicon_text("");
  EXPECT_THAT(model, FailsWith(Field(&ModelLoadError::line, 0u)));
}

TEST(Model, ValueThrowsWithTheReason) {
  const auto model = Model::with_overrides(Model::builtin(), "bad\n");
  EXPECT_THROW((void)model.value(), std::runtime_error);
}

}  // namespace
}  // namespace smlapi::vader
