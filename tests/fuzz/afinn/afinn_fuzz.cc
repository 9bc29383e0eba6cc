// libFuzzer target: arbitrary bytes into the AFINN scorer. Invariants: no crash or UB (the
// sanitizers watch); ill-formed UTF-8 is refused and nothing else is; the one-pass tokenizer
// equals a step-by-step transcription of lib/tokenize.js; the result is self-consistent
// (score = sum of calculation, comparative = score / tokens, lists agree) and repeatable.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "afinn/analyzer.h"
#include "afinn/js_lowercase.h"
#include "afinn/js_text_tables.h"
#include "afinn/tokenizer.h"
#include "afinn/utf8.h"

namespace {

using namespace smlapi::afinn;

void require(bool condition) {
  if (!condition) std::abort();
}

bool is_js_whitespace(char32_t c) {
  return std::binary_search(std::begin(js_tables::kJsWhitespace),
                            std::end(js_tables::kJsWhitespace), c);
}

// tokenize.js one replace() at a time, on code points (all the characters involved are in the
// BMP, where code points and JavaScript's UTF-16 units coincide).
std::vector<std::string> tokenize_step_by_step(std::string_view text) {
  std::string lowered;
  append_js_lowercase(text, lowered);
  std::u32string s;
  for (std::size_t pos = 0; pos < lowered.size();) s += utf8::decode_next(lowered, pos);
  // .replace(/\n/g, ' ').replace(/[.,\/#!?$%\^&\*;:{}=_`\"~()]/g, ' ')
  const std::u32string punctuation = U"\n.,/#!?$%^&*;:{}=_`\"~()";
  for (auto& c : s) c = punctuation.find(c) != std::u32string::npos ? U' ' : c;
  // .replace(/\s\s+/g, ' ')
  std::u32string collapsed;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t run = i;
    while (run < s.size() && is_js_whitespace(s[run])) ++run;
    if (run - i >= 2) {
      collapsed += U' ';
      i = run;
    } else {
      collapsed += s[i++];
    }
  }
  // .trim()
  std::size_t first = 0, last = collapsed.size();
  while (first < last && is_js_whitespace(collapsed[first])) ++first;
  while (last > first && is_js_whitespace(collapsed[last - 1])) --last;
  // .split(' ')
  std::vector<std::string> tokens(1);
  for (std::size_t i = first; i < last; ++i) {
    if (collapsed[i] == U' ') {
      tokens.emplace_back();
    } else {
      utf8::append(tokens.back(), collapsed[i]);
    }
  }
  return tokens;
}

void check_tokenizer(std::string_view text) {
  static Tokenizer tokenizer;
  const auto& tokens = tokenizer.tokenize(text);
  const auto expected = tokenize_step_by_step(text);
  require(std::equal(tokens.begin(), tokens.end(), expected.begin(), expected.end()));
}

void check_analysis(const Analysis& a) {
  require(a.token_count >= 1);
  require(a.words.size() == a.calculation.size() && a.words.size() <= a.token_count);
  std::int64_t sum = 0;
  std::size_t positive = 0, negative = 0;
  for (std::size_t i = 0; i < a.calculation.size(); ++i) {
    const auto& entry = a.calculation[i];
    require(entry.word == a.words[i] && entry.score >= -5 && entry.score <= 5);
    sum += entry.score;
    positive += entry.score > 0;
    negative += entry.score < 0;
  }
  require(sum == a.score && positive == a.positive.size() && negative == a.negative.size());
  require(a.comparative == static_cast<double>(a.score) / static_cast<double>(a.token_count));
  require(a.comparative >= -5.0 && a.comparative <= 5.0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Analyzer analyzer(Model::builtin());
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto analysis = analyzer.score(text);
  require(analysis.has_value() == utf8::is_well_formed(text));
  if (!analysis) return 0;
  check_analysis(*analysis);
  check_tokenizer(text);
  // Buffers carried between calls must not leak into results.
  const auto again = analyzer.score(text);
  require(again->score == analysis->score && again->calculation == analysis->calculation);
  return 0;
}
