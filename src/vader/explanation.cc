#include "vader/explanation.h"

#include "common/json_writer.h"

namespace smlapi::vader {
namespace {

std::string_view to_string(TokenRole role) noexcept {
  switch (role) {
    case TokenRole::none:
      return "none";
    case TokenRole::lexicon:
      return "lexicon";
    case TokenRole::booster:
      return "booster";
    case TokenRole::kind_of:
      return "kind_of";
  }
  return "none";
}

// The words that triggered a rule, as they appear in the text ("kind of", "not").
void append_words(std::string& out, const Explanation& e, std::size_t first, std::size_t count) {
  std::string words;
  for (std::size_t k = first; k < first + count && k < e.tokens.size(); ++k) {
    if (!words.empty()) words.push_back(' ');
    words.append(e.tokens[k].token);
  }
  json::append_string(out, words);
}

void append_step(std::string& out, const Explanation& e, const RuleStep& step) {
  out.append("{\"rule\":");
  json::append_string(out, to_string(step.rule));
  if (step.by_count != 0) {
    out.append(",\"by\":");
    append_words(out, e, step.by_first, step.by_count);
  }
  if (step.caps) out.append(",\"caps\":true");
  out.append(",\"valence\":");
  json::append_number(out, step.valence);
  out.push_back('}');
}

void append_token(std::string& out, const Explanation& e, const TokenExplanation& token) {
  out.append("{\"token\":");
  json::append_string(out, token.token);
  if (!token.emoji.empty()) {
    out.append(",\"emoji\":");
    json::append_string(out, token.emoji);
  }
  out.append(",\"role\":");
  json::append_string(out, to_string(token.role));
  if (token.role == TokenRole::lexicon) {
    out.append(",\"lexicon\":");
    json::append_number(out, token.lexicon);
  }
  if (token.step_count != 0 || token.rescaled_by_but) {
    out.append(",\"rules\":[");
    for (std::uint32_t k = 0; k < token.step_count; ++k) {
      if (k != 0) out.push_back(',');
      append_step(out, e, e.steps[token.first_step + k]);
    }
    if (token.rescaled_by_but) {
      if (token.step_count != 0) out.push_back(',');
      append_step(out, e, RuleStep{Rule::but, token.but_index, 1, false, token.valence});
    }
    out.push_back(']');
  }
  out.append(",\"valence\":");
  json::append_number(out, token.valence);
  out.push_back('}');
}

}  // namespace

std::string_view to_string(Rule rule) noexcept {
  switch (rule) {
    case Rule::no_next_word:
      return "no_next_word";
    case Rule::negated_by_no:
      return "negated_by_no";
    case Rule::all_caps:
      return "all_caps";
    case Rule::booster:
      return "booster";
    case Rule::dampener:
      return "dampener";
    case Rule::negation:
      return "negation";
    case Rule::never_so:
      return "never_so";
    case Rule::without_doubt:
      return "without_doubt";
    case Rule::idiom:
      return "idiom";
    case Rule::phrase_booster:
      return "phrase_booster";
    case Rule::least:
      return "least";
    case Rule::but:
      return "but";
  }
  return "unknown";
}

// Keeps the vectors' capacity: an analyzer explaining many texts allocates only while growing.
void Explanation::clear() {
  tokens.clear();
  steps.clear();
  exclamations = 0;
  questions = 0;
  word_sum = 0;
  punctuation = 0;
  sum = 0;
  compound_unrounded = 0;
  scores = {};
}

std::size_t Explanation::known_tokens() const {
  std::size_t known = 0;
  for (const TokenExplanation& token : tokens) known += token.known;
  return known;
}

void append_json(std::string& out, const Explanation& e) {
  out.append("{\"tokens\":[");
  for (std::size_t i = 0; i < e.tokens.size(); ++i) {
    if (i != 0) out.push_back(',');
    append_token(out, e, e.tokens[i]);
  }
  out.append("],\"word_sum\":");
  json::append_number(out, e.word_sum);
  out.append(",\"punctuation\":{\"exclamations\":");
  json::append_integer(out, static_cast<long long>(e.exclamations));
  out.append(",\"questions\":");
  json::append_integer(out, static_cast<long long>(e.questions));
  out.append(",\"valence\":");
  json::append_number(out, e.punctuation);
  out.append("},\"sum\":");
  json::append_number(out, e.sum);
  out.append(",\"compound_unrounded\":");
  json::append_number(out, e.compound_unrounded);
  out.push_back('}');
}

}  // namespace smlapi::vader
