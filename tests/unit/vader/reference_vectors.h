// Reading ../shared/vader/vectors.tsv (vaderSentiment 3.3.2 outputs), for the tests that run
// over every reference vector.
#pragma once

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "vader/polarity_scores.h"

namespace smlapi::vader::testing_vectors {

// ../shared beside the repository (as CI lays it out); SMLAPI_VADER_VECTORS overrides.
inline constexpr const char* kDefaultVectorsPath = SMLAPI_SOURCE_DIR "/../shared/vader/vectors.tsv";

struct Vector {
  std::size_t line = 0;
  PolarityScores expected;
  std::string text;
};

inline std::string vectors_path() {
  const char* overridden = std::getenv("SMLAPI_VADER_VECTORS");
  return overridden != nullptr ? overridden : kDefaultVectorsPath;
}

// Header: \\ backslash, \t tab, \n newline, \r carriage return; other bytes literal.
inline std::string unescape(std::string_view text) {
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

inline double parse_double(std::string_view field) {
  double value = 0;
  std::from_chars(field.data(), field.data() + field.size(), value);
  return value;
}

inline std::vector<Vector> read_vectors(std::ifstream& in) {
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

}  // namespace smlapi::vader::testing_vectors
