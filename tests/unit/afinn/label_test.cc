#include "afinn/label.h"

#include <gtest/gtest.h>

#include "afinn/analyzer.h"

namespace smlapi::afinn {
namespace {

Label label_of(std::string_view text) {
  Analyzer analyzer(Model::builtin());
  return label_for(analyzer.score(text).value());
}

TEST(Label, SignOfTheScore) {
  EXPECT_EQ(label_of("I love cats, but I am allergic to them."), Label::positive);  // score 1
  EXPECT_EQ(label_of("Cats are stupid."), Label::negative);
  EXPECT_EQ(label_of("good bad"), Label::neutral);  // 3 - 3
  EXPECT_EQ(label_of(""), Label::neutral);
}

TEST(Label, LengthDoesNotChangeTheLabel) {
  std::string long_text = "good";
  for (int i = 0; i < 500; ++i) long_text += " the";
  EXPECT_EQ(label_of(long_text), Label::positive);
}

TEST(Label, NamesAsTheServiceSpellsThem) {
  EXPECT_EQ(to_string(Label::positive), "POSITIVE");
  EXPECT_EQ(to_string(Label::negative), "NEGATIVE");
  EXPECT_EQ(to_string(Label::neutral), "NEUTRAL");
}

}  // namespace
}  // namespace smlapi::afinn
