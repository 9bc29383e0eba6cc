#include "vader/score_valence.h"

#include <vector>

#include <gtest/gtest.h>

namespace smlapi::vader {
namespace {

TEST(PythonSum, NaiveIsLeftToRightAndNeumaierCompensates) {
  const std::vector<double> values{1e16, 1.0, -1e16};
  EXPECT_EQ(python_sum(values, PythonSum::naive), 0.0);     // CPython <= 3.11
  EXPECT_EQ(python_sum(values, PythonSum::neumaier), 1.0);  // CPython >= 3.12
}

TEST(ScoreValence, NoWordsGiveAllZeros) { EXPECT_EQ(score_valence({}, "!!!"), PolarityScores{}); }

TEST(ScoreValence, NeutralWordsOnly) {
  const std::vector<double> sentiments{0.0, 0.0};
  EXPECT_EQ(score_valence(sentiments, "a b???"), (PolarityScores{0.0, 1.0, 0.0, 0.0}));
}

TEST(ScoreValence, PunctuationAmplifiesTheDominantSide) {
  const std::vector<double> sentiments{1.9};  // "good"
  const double plain = score_valence(sentiments, "good").compound;
  const double one = score_valence(sentiments, "good!").compound;
  const double four = score_valence(sentiments, "good!!!!").compound;
  const double five = score_valence(sentiments, "good!!!!!").compound;
  EXPECT_EQ(plain, 0.4404);
  EXPECT_EQ(one, 0.4926);
  EXPECT_GT(four, one);
  EXPECT_EQ(five, four);                                          // capped at four
  EXPECT_EQ(score_valence(sentiments, "good?").compound, plain);  // a single '?' adds nothing
  EXPECT_EQ(score_valence(sentiments, "good??").compound, 0.504);
  EXPECT_EQ(score_valence(sentiments, "good????").compound, 0.594);
}

}  // namespace
}  // namespace smlapi::vader
