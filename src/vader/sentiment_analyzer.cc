#include "vader/sentiment_analyzer.h"

#include <optional>
#include <span>
#include <stdexcept>
#include <utility>

#include "vader/score_valence.h"
#include "vader/sentiment_valence.h"
#include "vader/unicode_text.h"
#include "vader/utf8.h"

namespace smlapi::vader {
namespace {

// Index of the first "but" token (the reference's words_and_emoticons.index('but')), or none.
std::optional<std::size_t> first_but(std::span<const Token> tokens) {
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].keyword() == Keyword::but) return i;
  }
  return std::nullopt;
}

// Marks the tokens that come from an emoji's description with that emoji. Replays the
// substitution of SentiText::substitute_emoji() to know where each description landed in the
// text the tokens were split from (`scored`: substituted, then stripped of the leading and
// trailing whitespace the original had). Explanations only.
void mark_emoji(std::string_view original, std::string_view scored, const EmojiTable& emoji,
                Explanation& explanation) {
  if (explanation.tokens.empty()) return;
  const auto leading =
      static_cast<std::size_t>(unicode::strip_whitespace(original).data() - original.data());
  std::size_t token = 0;
  std::size_t out_pos = 0;  // position in the substituted, unstripped text
  bool previous_is_space = true;
  for (std::size_t pos = 0; pos < original.size();) {
    const std::size_t start = pos;
    const char32_t cp = utf8::decode_next(original, pos);
    const std::string_view description = emoji.description(cp);
    if (description.empty()) {
      out_pos += pos - start;
      previous_is_space = cp == ' ';
      continue;
    }
    if (!previous_is_space) ++out_pos;
    const std::size_t begin = out_pos;
    out_pos += description.size();
    previous_is_space = false;
    // Tokens are in text order: walk them alongside.
    for (; token < explanation.tokens.size(); ++token) {
      const std::string_view word = explanation.tokens[token].token;
      if (word.data() < scored.data() || word.data() > scored.data() + scored.size()) continue;
      const auto at = static_cast<std::size_t>(word.data() - scored.data()) + leading;
      if (at >= out_pos) break;
      if (at >= begin) explanation.tokens[token].emoji = original.substr(start, pos - start);
    }
  }
}

}  // namespace

SentimentAnalyzer::SentimentAnalyzer(std::shared_ptr<const Model> model)
    : model_(std::move(model)) {
  if (!model_) throw std::invalid_argument("SentimentAnalyzer needs a model");
}

boost::system::result<PolarityScores, TextError> SentimentAnalyzer::polarity_scores(
    std::string_view utf8_text) {
  if (!text_.build(utf8_text, *model_)) return TextError::invalid_utf8;
  compute_sentiments(text_, sentiments_);
  if (auto but = first_but(text_.tokens())) but_rule_.apply(sentiments_, *but);
  return score_valence(sentiments_, text_.text());
}

std::size_t SentimentAnalyzer::known_token_count() const {
  std::size_t known = 0;
  for (const Token& token : text_.tokens()) known += token.info != nullptr || token.contains_nt;
  return known;
}

boost::system::result<PolarityScores, TextError> SentimentAnalyzer::explain(
    std::string_view utf8_text, Explanation& explanation) {
  explanation.clear();
  if (!text_.build(utf8_text, *model_)) return TextError::invalid_utf8;
  compute_sentiments(text_, sentiments_, explanation);
  if (auto but = first_but(text_.tokens())) {
    before_but_.assign(sentiments_.begin(), sentiments_.end());
    but_rule_.apply(sentiments_, *but);
    for (std::size_t k = 0; k < sentiments_.size(); ++k) {
      if (sentiments_[k] == before_but_[k]) continue;
      TokenExplanation& token = explanation.tokens[k];
      token.rescaled_by_but = true;
      token.but_index = static_cast<std::uint32_t>(*but);
      token.valence = sentiments_[k];
    }
  }
  mark_emoji(utf8_text, text_.text(), model_->emoji(), explanation);
  explanation.scores = score_valence(sentiments_, text_.text(), &explanation);
  return explanation.scores;
}

}  // namespace smlapi::vader
