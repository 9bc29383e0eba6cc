// Multi-word phrases of a changed lexicon ("customer service" -2.0): which runs of tokens
// SentiText joins into one token before the rules run, so that boosters, negation, "but" and
// capitals apply around a phrase exactly as around a word. Immutable, shared with its Model.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>

#include "vader/lexicon_parser.h"

namespace smlapi::vader {

class PhraseTable {
 public:
  PhraseTable() = default;
  // `phrases`: keys are lowercase words joined by one space (parse_lexicon_overrides' form).
  explicit PhraseTable(const Lexicon& phrases);

  // No phrases: SentiText skips the joining pass entirely.
  bool empty() const { return phrases_.empty(); }
  // The most words any phrase has: how far ahead a match ever looks.
  std::size_t max_words() const { return max_words_; }

  // The longest phrase that `words` (lowercased tokens, at most max_words() of them) starts
  // with: its word count (at least 2), with `joined` set to the phrase; 0 when none matches.
  std::size_t longest_match(std::span<const std::string_view> words, std::string& joined) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const;
  };
  using Set = std::unordered_set<std::string, Hash, std::equal_to<>>;

  Set phrases_;
  Set first_words_;  // a cheap "can a phrase start here" test for every token
  std::size_t max_words_ = 0;
};

}  // namespace smlapi::vader
