#pragma once

#include <span>
#include <string_view>

#include "vader/explanation.h"
#include "vader/polarity_scores.h"

namespace smlapi::vader {

// Which summation Python's sum() performs: CPython 3.12 and later use Neumaier's compensated
// summation for floats, earlier versions add left to right.
enum class PythonSum { naive, neumaier };

// The reference's score_valence(): punctuation emphasis, normalisation (alpha 15), the
// positive/negative/neutral split and Python's rounding. `text` is the emoji-substituted,
// stripped text the "!" and "?" are counted in. With `explanation`, also records the sum, the
// punctuation emphasis and the unrounded compound there (one pointer test per text).
PolarityScores score_valence(std::span<const double> sentiments, std::string_view text,
                             Explanation* explanation = nullptr);

double python_sum(std::span<const double> values, PythonSum kind);

}  // namespace smlapi::vader
