#include "afinn/negation_rule.h"

namespace smlapi::afinn {

bool is_negator(const Model& model, std::string_view token) {
  // Object.prototype.constructor is a function, hence truthy. tests/unit/afinn's reference
  // script checks that it is the only inherited name a token can spell.
  return model.is_negator(token) || token == "constructor";
}

int apply_negation_rule(const Model& model, const std::vector<std::string_view>& tokens,
                        std::size_t cursor, int table_score) {
  if (cursor > 0 && is_negator(model, tokens[cursor - 1])) return -table_score;
  return table_score;
}

}  // namespace smlapi::afinn
