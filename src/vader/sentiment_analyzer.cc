#include "vader/sentiment_analyzer.h"

#include <stdexcept>
#include <utility>

#include "vader/score_valence.h"
#include "vader/sentiment_valence.h"

namespace smlapi::vader {

SentimentAnalyzer::SentimentAnalyzer(std::shared_ptr<const Model> model)
    : model_(std::move(model)) {
  if (!model_) throw std::invalid_argument("SentimentAnalyzer needs a model");
}

boost::system::result<PolarityScores, TextError> SentimentAnalyzer::polarity_scores(
    std::string_view utf8_text) {
  if (!text_.build(utf8_text, *model_)) return TextError::invalid_utf8;
  compute_sentiments(text_, sentiments_);
  const auto tokens = text_.tokens();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].keyword() == Keyword::but) {
      but_rule_.apply(sentiments_, i);
      break;
    }
  }
  return score_valence(sentiments_, text_.text());
}

}  // namespace smlapi::vader
