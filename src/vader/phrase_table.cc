#include "vader/phrase_table.h"

#include <algorithm>
#include <array>

#include "vader/word_table.h"

namespace smlapi::vader {

std::size_t PhraseTable::Hash::operator()(std::string_view text) const { return hash_word(text); }

PhraseTable::PhraseTable(const Lexicon& phrases) {
  for (const auto& [phrase, valence] : phrases) {
    phrases_.insert(phrase);
    const std::size_t words = 1 + static_cast<std::size_t>(std::ranges::count(phrase, ' '));
    max_words_ = std::max(max_words_, words);
    first_words_.insert(phrase.substr(0, phrase.find(' ')));
  }
}

std::size_t PhraseTable::longest_match(std::span<const std::string_view> words,
                                       std::string& joined) const {
  if (words.size() < 2 || !first_words_.contains(words.front())) return 0;
  const std::size_t count = std::min({words.size(), max_words_, kMaxPhraseWords});
  // The longest candidate once; each shorter one is a prefix of it.
  std::array<std::size_t, kMaxPhraseWords + 1> ends{};
  joined.clear();
  for (std::size_t i = 0; i < count; ++i) {
    if (i != 0) joined.push_back(' ');
    joined.append(words[i]);
    ends[i + 1] = joined.size();
  }
  for (std::size_t length = count; length >= 2; --length) {
    if (phrases_.contains(std::string_view(joined).substr(0, ends[length]))) {
      joined.resize(ends[length]);
      return length;
    }
  }
  return 0;
}

}  // namespace smlapi::vader
