// Why AFINN gave a text its score, in text order: each token, its table score when it has one,
// and the one rule there is (negation by the token just before). The contributions are
// integers, so they add up to `score` exactly in any order.
//   {"tokens":[{"token":"not","role":"negator","valence":0},
//              {"token":"good","role":"lexicon","lexicon":3,
//               "rules":[{"rule":"negation","by":"not","valence":-3}],"valence":-3}],
//    "sum":-3,"token_count":2,"comparative":-1.5}
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "afinn/analysis.h"
#include "afinn/model.h"

namespace smlapi::afinn {

// `tokens` as the analyzer split the text that produced `analysis`. Returns how many tokens
// the model knows (in its table, or a negator).
std::size_t append_explanation_json(std::string& out, const Model& model,
                                    const std::vector<std::string_view>& tokens,
                                    const Analysis& analysis);

// Tokens the model knows, without writing anything (for coverage on the plain path).
std::size_t known_tokens(const Model& model, const std::vector<std::string_view>& tokens);

}  // namespace smlapi::afinn
