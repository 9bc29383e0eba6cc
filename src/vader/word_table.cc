#include "vader/word_table.h"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace smlapi::vader {
WordTable::WordTable(const std::vector<std::pair<std::string, WordInfo>>& entries) {
  // Load factor at most 1/2 keeps probe sequences short.
  const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, entries.size() * 2));
  slots_.resize(capacity);
  mask_ = capacity - 1;
  entries_.reserve(entries.size());
  for (const auto& [word, info] : entries) {
    if (keys_.size() + word.size() > UINT32_MAX) throw std::length_error("lexicon too large");
    const std::uint64_t hash = hash_word(word);
    std::size_t index = hash & mask_;
    while (slots_[index].entry != 0) index = (index + 1) & mask_;
    entries_.push_back(Entry{info, static_cast<std::uint32_t>(keys_.size()),
                             static_cast<std::uint32_t>(word.size())});
    slots_[index] =
        Slot{static_cast<std::uint32_t>(hash >> 32), static_cast<std::uint32_t>(entries_.size())};
    keys_ += word;
  }
}

}  // namespace smlapi::vader
