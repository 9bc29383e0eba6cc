#pragma once

#include <string_view>

namespace smlapi::afinn {

// A scored word as the package reports it in `calculation`: the model's key and the score it
// contributed (already negated when the previous token is a negator).
struct WordScore {
  std::string_view word;  // points into the Model, valid as long as the Model lives
  int score = 0;

  bool operator==(const WordScore&) const = default;
};

}  // namespace smlapi::afinn
