#include "afinn/label.h"

namespace smlapi::afinn {

Label label_for(const Analysis& analysis) {
  // AFINN scores are integers with no fractional noise to filter out, and comparative has the
  // score's sign, so the sign alone decides; a band on comparative would label the same words
  // differently depending on how long the text around them is.
  if (analysis.score > 0) return Label::positive;
  if (analysis.score < 0) return Label::negative;
  return Label::neutral;
}

std::string_view to_string(Label label) {
  switch (label) {
    case Label::positive:
      return "POSITIVE";
    case Label::negative:
      return "NEGATIVE";
    case Label::neutral:
      return "NEUTRAL";
  }
  return "NEUTRAL";
}

}  // namespace smlapi::afinn
