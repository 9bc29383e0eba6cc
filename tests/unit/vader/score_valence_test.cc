#include "vader/score_valence.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vader/python_round.h"

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

// The marks are counted eight bytes at a time: texts of every length and
// alignment, with bytes that differ from '!' / '?' only in the high bit, must
// count exactly what a byte-by-byte count gives.
TEST(ScoreValence, MarksAreCountedExactlyInLongTexts) {
  const std::string alphabet = "!?a \xA1\xBF\x01\xFF";
  std::mt19937 random(7);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  const std::vector<double> sentiments{1.9};
  for (std::size_t length = 0; length < 120; ++length) {
    std::string text(length, ' ');
    for (char& c : text) c = alphabet[pick(random)];
    const auto exclamations =
        std::min<std::ptrdiff_t>(std::count(text.begin(), text.end(), '!'), 4);
    const auto questions = std::count(text.begin(), text.end(), '?');
    double amplifier = static_cast<double>(exclamations) * 0.292;
    if (questions > 1) amplifier += questions <= 3 ? static_cast<double>(questions) * 0.18 : 0.96;
    const double sum = 1.9 + amplifier;
    const double expected = python_round(sum / std::sqrt(sum * sum + 15), 4);
    ASSERT_EQ(score_valence(sentiments, text).compound, expected) << "length " << length;
  }
}

}  // namespace
}  // namespace smlapi::vader
