#include "afinn/label.h"

#include <gtest/gtest.h>

#include "afinn/analyzer.h"

namespace smlapi::afinn {
namespace {

model::Label label_of(std::string_view text) {
  Analyzer analyzer(Model::builtin());
  return label_for(analyzer.score(text).value());
}

TEST(Label, SignOfTheScore) {
  EXPECT_EQ(label_of("I love cats, but I am allergic to them."),
            model::Label::positive);  // score 1
  EXPECT_EQ(label_of("Cats are stupid."), model::Label::negative);
  EXPECT_EQ(label_of("good bad"), model::Label::neutral);  // 3 - 3
  EXPECT_EQ(label_of(""), model::Label::neutral);
}

TEST(Label, LengthDoesNotChangeTheLabel) {
  std::string long_text = "good";
  for (int i = 0; i < 500; ++i) long_text += " the";
  EXPECT_EQ(label_of(long_text), model::Label::positive);
}

TEST(Label, ScoreSignAtTheEdges) {
  EXPECT_EQ(label_of_score(1), model::Label::positive);
  EXPECT_EQ(label_of_score(0), model::Label::neutral);
  EXPECT_EQ(label_of_score(-1), model::Label::negative);
  EXPECT_EQ(model::to_string(label_of_score(-1)), "NEGATIVE");
}

}  // namespace
}  // namespace smlapi::afinn
