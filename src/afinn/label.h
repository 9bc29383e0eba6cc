#pragma once

#include <cstdint>
#include <string_view>

#include "afinn/analysis.h"

namespace smlapi::afinn {

enum class Label : std::uint8_t { negative, neutral, positive };

// The sign of the score: POSITIVE above 0, NEGATIVE below, NEUTRAL at 0 (docs/model.md, "AFINN
// label thresholds", says why there is no band around 0 and why comparative is not used).
Label label_for(const Analysis& analysis);

// "POSITIVE", "NEGATIVE", "NEUTRAL": the spelling the service already uses for VADER.
std::string_view to_string(Label label);

}  // namespace smlapi::afinn
