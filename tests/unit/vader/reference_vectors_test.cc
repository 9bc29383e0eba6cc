// Every vector of ../shared/vader/vectors.tsv (vaderSentiment 3.3.2 outputs) must be reproduced
// exactly: the four scores compare equal as doubles, i.e. as Python prints them.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "reference_vectors.h"
#include "vader/sentiment_analyzer.h"

namespace smlapi::vader {
namespace {

using testing_vectors::read_vectors;
using testing_vectors::vectors_path;

std::string describe(const PolarityScores& s) {
  std::ostringstream out;
  out.precision(17);
  out << "{neg " << s.neg << ", neu " << s.neu << ", pos " << s.pos << ", compound " << s.compound
      << "}";
  return out.str();
}

TEST(ReferenceVectors, AllScoresIdenticalToVaderSentiment332) {
  std::ifstream in(vectors_path(), std::ios::binary);
  if (!in) GTEST_SKIP() << "reference vectors not found at " << vectors_path();
  const auto vectors = read_vectors(in);
  ASSERT_GT(vectors.size(), 0u);

  SentimentAnalyzer analyzer(Model::builtin());
  std::size_t mismatches = 0;
  for (const auto& vector : vectors) {
    const auto scores = analyzer.polarity_scores(vector.text);
    ASSERT_TRUE(scores.has_value()) << "line " << vector.line;
    // Bitwise-equal doubles print identically; this also tells -0.0 from 0.0.
    const bool same = std::signbit(scores->compound) == std::signbit(vector.expected.compound) &&
                      *scores == vector.expected;
    if (!same) {
      ++mismatches;
      ADD_FAILURE() << "line " << vector.line << ": " << testing::PrintToString(vector.text)
                    << "\n  expected " << describe(vector.expected) << "\n  actual   "
                    << describe(*scores);
    }
  }
  std::cout << "[ vectors  ] " << vectors.size() - mismatches << "/" << vectors.size()
            << " identical, " << mismatches << " mismatches\n";
  EXPECT_EQ(mismatches, 0u);
}

}  // namespace
}  // namespace smlapi::vader
