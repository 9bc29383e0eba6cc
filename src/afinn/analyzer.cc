#include "afinn/analyzer.h"

#include <utility>

#include "afinn/negation_rule.h"
#include "afinn/utf8.h"

namespace smlapi::afinn {

Analyzer::Analyzer(std::shared_ptr<const Model> model) : model_(std::move(model)) {}

boost::system::result<Analysis, TextError> Analyzer::score(std::string_view utf8_text) {
  if (!utf8::is_well_formed(utf8_text)) return TextError::invalid_utf8;
  const auto& tokens = tokenizer_.tokenize(utf8_text);
  tokens_ = &tokens;

  Analysis analysis;
  analysis.token_count = tokens.size();
  // lib/index.js walks from the last token to the first; the lists keep that order.
  for (std::size_t cursor = tokens.size(); cursor-- > 0;) {
    const auto entry = model_->find(tokens[cursor]);
    if (!entry) continue;
    const int contribution = apply_negation_rule(*model_, tokens, cursor, entry->score);
    analysis.words.push_back(entry->word);
    if (contribution > 0) analysis.positive.push_back(entry->word);
    if (contribution < 0) analysis.negative.push_back(entry->word);
    analysis.score += contribution;
    analysis.calculation.push_back(WordScore{entry->word, contribution});
  }
  // Both operands convert to double exactly (far below 2^53), so this is JavaScript's
  // `score / tokens.length` to the last bit.
  analysis.comparative =
      static_cast<double>(analysis.score) / static_cast<double>(analysis.token_count);
  return analysis;
}

}  // namespace smlapi::afinn
