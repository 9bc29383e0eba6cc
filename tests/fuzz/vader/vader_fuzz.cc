// libFuzzer target: arbitrary bytes into the VADER scorer. Invariants: no crash or UB (the
// sanitizers watch), invalid UTF-8 is reported as such, scores are in range and the three
// proportions sum to about 1 (or are all 0 when there are no words). Explaining gives the same
// scores, and its token valences add up to the sum it reports, bit for bit.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "vader/explanation.h"
#include "vader/sentiment_analyzer.h"
#include "vader/utf8.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

bool in_unit_range(double value) { return value >= 0.0 && value <= 1.0; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static smlapi::vader::SentimentAnalyzer analyzer(smlapi::vader::Model::builtin());
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto scores = analyzer.polarity_scores(text);
  const bool valid = smlapi::vader::utf8::classify(text) != smlapi::vader::utf8::Encoding::invalid;
  require(scores.has_value() == valid);
  if (!scores) return 0;
  const auto& s = *scores;
  require(in_unit_range(s.neg) && in_unit_range(s.neu) && in_unit_range(s.pos));
  require(s.compound >= -1.0 && s.compound <= 1.0);
  const double sum = s.neg + s.neu + s.pos;
  require(sum == 0.0 ? s.compound == 0.0 : std::fabs(sum - 1.0) <= 0.0025);
  // Scratch buffers carried between calls must not leak into results.
  require(*analyzer.polarity_scores(text) == s);

  static smlapi::vader::SentimentAnalyzer explaining(smlapi::vader::Model::builtin());
  static smlapi::vader::Explanation explanation;
  const auto explained = explaining.explain(text, explanation);
  require(explained.has_value() && *explained == s);
  double word_sum = 0.0;
  for (const auto& token : explanation.tokens) word_sum += token.valence;
  require(word_sum == explanation.word_sum);
  require(explanation.word_sum + explanation.punctuation == explanation.sum);
  static std::string json;
  json.clear();
  smlapi::vader::append_json(json, explanation);
  require(json.front() == '{' && json.back() == '}');
  return 0;
}
