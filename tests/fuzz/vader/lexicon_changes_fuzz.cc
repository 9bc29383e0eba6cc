// libFuzzer target: arbitrary bytes as a lexicon change file (--lexicon-overrides), which the
// service re-reads while serving. Invariants: no crash or UB; an accepted file's entries are
// within the documented bounds; the model built from it scores its own text as a text (the
// phrase matcher runs over whatever tokens the file's words make) with scores in range, the
// same twice.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vader/lexicon_parser.h"
#include "vader/model.h"
#include "vader/sentiment_analyzer.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

bool valid_valence(double valence) {
  return std::isfinite(valence) && std::fabs(valence) <= smlapi::vader::kMaxAbsValence;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smlapi::vader;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto changes = parse_lexicon_overrides(text);
  if (!changes) {
    require(!changes.error().reason.empty());
    return 0;
  }
  for (const auto& [word, valence] : changes->words) {
    require(!word.empty() && word.size() <= kMaxEntryBytes && word.find(' ') == word.npos);
    require(!valence || valid_valence(*valence));
  }
  for (const auto& [phrase, valence] : changes->phrases) {
    require(phrase.size() <= kMaxEntryBytes && valid_valence(valence));
    std::size_t spaces = 0;
    for (char c : phrase) spaces += c == ' ';
    require(spaces >= 1 && spaces < kMaxPhraseWords);
    require(phrase.front() != ' ' && phrase.back() != ' ' && phrase.find("  ") == phrase.npos);
  }
  // A small base lexicon: copying the builtin 7,500 words per input would make the target slow.
  static const auto base = Model::from_lexicon_text("good\t1.9\nbad\t-2.5\nnot\t0.1\n").value();
  const auto model = Model::with_overrides(base, text);
  require(model.has_value());
  SentimentAnalyzer analyzer(*model);
  const auto scores = analyzer.polarity_scores(text);
  if (!scores) return 0;  // invalid UTF-8 outside the parsed lines cannot happen, but be lenient
  require(scores->compound >= -1.0 && scores->compound <= 1.0);
  require(*analyzer.polarity_scores(text) == *scores);
  return 0;
}
