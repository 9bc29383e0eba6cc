#include "afinn/explanation.h"

#include "afinn/negation_rule.h"
#include "common/json_writer.h"

namespace smlapi::afinn {

std::size_t known_tokens(const Model& model, const std::vector<std::string_view>& tokens) {
  std::size_t known = 0;
  for (std::string_view token : tokens) {
    known += model.find(token).has_value() || is_negator(model, token);
  }
  return known;
}

std::size_t append_explanation_json(std::string& out, const Model& model,
                                    const std::vector<std::string_view>& tokens,
                                    const Analysis& analysis) {
  std::size_t known = 0;
  out.append("{\"tokens\":[");
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i != 0) out.push_back(',');
    out.append("{\"token\":");
    json::append_string(out, tokens[i]);
    const auto entry = model.find(tokens[i]);
    const bool negator = is_negator(model, tokens[i]);
    known += entry.has_value() || negator;
    out.append(",\"role\":");
    out.append(entry ? "\"lexicon\"" : negator ? "\"negator\"" : "\"none\"");
    long long valence = 0;
    if (entry) {
      out.append(",\"lexicon\":");
      json::append_integer(out, entry->score);
      valence = apply_negation_rule(model, tokens, i, entry->score);
      if (valence != entry->score) {
        out.append(",\"rules\":[{\"rule\":\"negation\",\"by\":");
        json::append_string(out, tokens[i - 1]);
        out.append(",\"valence\":");
        json::append_integer(out, valence);
        out.append("}]");
      }
    }
    out.append(",\"valence\":");
    json::append_integer(out, valence);
    out.push_back('}');
  }
  out.append("],\"sum\":");
  json::append_integer(out, analysis.score);
  out.append(",\"token_count\":");
  json::append_integer(out, static_cast<long long>(analysis.token_count));
  out.append(",\"comparative\":");
  json::append_number(out, analysis.comparative);
  out.push_back('}');
  return known;
}

}  // namespace smlapi::afinn
