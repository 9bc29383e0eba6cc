#pragma once

#include <vector>

#include "vader/explanation.h"
#include "vader/senti_text.h"

namespace smlapi::vader {

// The reference's per-word loop of polarity_scores(): one valence per token, with boosters,
// "kind of", the lexicon valence and every modifier rule of sentiment_valence() applied.
// Each token looks at most three words back and two ahead, so the cost is linear.
void compute_sentiments(const SentiText& text, std::vector<double>& sentiments);

// The same computation (the same code, instantiated with a recorder), also filling
// explanation.tokens and explanation.steps: each token's role and lexicon valence and each
// rule that fired on it, in the order the reference applies them. `explanation` is cleared
// of tokens and steps first.
void compute_sentiments(const SentiText& text, std::vector<double>& sentiments,
                        Explanation& explanation);

}  // namespace smlapi::vader
