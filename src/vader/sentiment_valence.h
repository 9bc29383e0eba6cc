#pragma once

#include <vector>

#include "vader/senti_text.h"

namespace smlapi::vader {

// The reference's per-word loop of polarity_scores(): one valence per token, with boosters,
// "kind of", the lexicon valence and every modifier rule of sentiment_valence() applied.
// Each token looks at most three words back and two ahead, so the cost is linear.
void compute_sentiments(const SentiText& text, std::vector<double>& sentiments);

}  // namespace smlapi::vader
