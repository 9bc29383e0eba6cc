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

#include "vader/sentiment_analyzer.h"

namespace smlapi::vader {
namespace {

// ../shared beside the repository (as CI lays it out); SMLAPI_VADER_VECTORS overrides.
constexpr const char* kDefaultVectorsPath = SMLAPI_SOURCE_DIR "/../shared/vader/vectors.tsv";

struct Vector {
  std::size_t line = 0;
  PolarityScores expected;
  std::string text;
};

std::string vectors_path() {
  const char* overridden = std::getenv("SMLAPI_VADER_VECTORS");
  return overridden != nullptr ? overridden : kDefaultVectorsPath;
}

// Header: \\ backslash, \t tab, \n newline, \r carriage return; other bytes literal.
std::string unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char next = text[++i];
    out += next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next;
  }
  return out;
}

double parse_double(std::string_view field) {
  double value = 0;
  std::from_chars(field.data(), field.data() + field.size(), value);
  return value;
}

std::vector<Vector> read_vectors(std::ifstream& in) {
  std::vector<Vector> vectors;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> fields;
    std::string_view rest = line;
    for (int i = 0; i < 4; ++i) {
      const auto tab = rest.find('\t');
      fields.push_back(rest.substr(0, tab));
      rest = tab == std::string_view::npos ? std::string_view{} : rest.substr(tab + 1);
    }
    vectors.push_back(Vector{number,
                             {parse_double(fields[0]), parse_double(fields[1]),
                              parse_double(fields[2]), parse_double(fields[3])},
                             unescape(rest)});
  }
  return vectors;
}

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
