#pragma once

#include <cstdint>

#include "afinn/analysis.h"
#include "model/model.h"

namespace smlapi::afinn {

// The sign of the score: POSITIVE above 0, NEGATIVE below, NEUTRAL at 0 (docs/model.md, "AFINN
// label thresholds", says why there is no band around 0 and why comparative is not used).
// The labels are the service's own (model::Label), spelled by model::to_string.
model::Label label_of_score(std::int64_t score);
model::Label label_for(const Analysis& analysis);

}  // namespace smlapi::afinn
