#include "afinn/label.h"

namespace smlapi::afinn {

model::Label label_of_score(std::int64_t score) {
  // AFINN scores are integers with no fractional noise to filter out, and comparative has the
  // score's sign, so the sign alone decides; a band on comparative would label the same words
  // differently depending on how long the text around them is.
  if (score > 0) return model::Label::positive;
  if (score < 0) return model::Label::negative;
  return model::Label::neutral;
}

model::Label label_for(const Analysis& analysis) { return label_of_score(analysis.score); }

}  // namespace smlapi::afinn
