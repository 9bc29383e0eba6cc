#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "afinn/word_score.h"

namespace smlapi::afinn {

// What sentiment@5.0.2's analyze() returns, minus `tokens`. The lists are in the package's
// order, which is the REVERSE of the text (it walks the tokens from the last one) and keeps
// duplicates. Their string_views point into the Model, so an Analysis must not outlive it.
struct Analysis {
  std::int64_t score = 0;       // sum of the contributed scores
  double comparative = 0.0;     // score / token_count, the same IEEE division as JavaScript's
  std::size_t token_count = 0;  // at least 1: a text without words is one empty token
  std::vector<std::string_view> words;     // every token found in the model
  std::vector<std::string_view> positive;  // those contributing > 0
  std::vector<std::string_view> negative;  // those contributing < 0
  std::vector<WordScore> calculation;      // every found token with its contribution
};

}  // namespace smlapi::afinn
