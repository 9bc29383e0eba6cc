#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "afinn/model.h"

// languages/en/scoring-strategy.js of sentiment@5.0.2: a word's score changes sign when the
// token right before it is a negator. Only that one token counts: "not good" negates, "not
// very good" does not, "not not good" negates once, and a negator ending a sentence still
// negates the next sentence's first word ("It is not. Good." — punctuation is gone by then).
namespace smlapi::afinn {

// The score `tokens[cursor]` contributes, given its table score.
int apply_negation_rule(const Model& model, const std::vector<std::string_view>& tokens,
                        std::size_t cursor, int table_score);

// Whether the package treats `token` as a negator. It asks `negators[token]` of a plain
// JavaScript object, so besides the listed words, a property every object inherits counts too
// when its name can be a token: "constructor" (the others have upper-case letters or '_').
bool is_negator(const Model& model, std::string_view token);

}  // namespace smlapi::afinn
