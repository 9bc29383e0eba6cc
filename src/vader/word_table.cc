#include "vader/word_table.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>
#include <stdexcept>

namespace smlapi::vader {
WordTable::WordTable(const std::vector<std::pair<std::string, WordInfo>>& entries) {
  // Load factor at most 1/2 keeps probe sequences short.
  const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, entries.size() * 2));
  slots_.resize(capacity);
  mask_ = capacity - 1;
  const auto entry_size = [](std::size_t key_length) {
    return (kKeyAt + key_length + kAlignment - 1) / kAlignment * kAlignment;
  };
  std::size_t total = 0;
  for (const auto& entry : entries) total += entry_size(entry.first.size());
  if (total / kAlignment >= UINT32_MAX) throw std::length_error("lexicon too large");
  entries_ = std::make_unique<std::byte[]>(total);  // operator new[]: aligned for WordInfo
  size_ = entries.size();
  std::size_t offset = 0;
  for (const auto& [word, info] : entries) {
    std::byte* entry = entries_.get() + offset;
    new (entry) WordInfo(info);
    const auto key_length = static_cast<std::uint32_t>(word.size());
    std::memcpy(entry + kKeyLengthAt, &key_length, sizeof key_length);
    std::memcpy(entry + kKeyAt, word.data(), word.size());
    const std::uint64_t hash = hash_word(word);
    std::size_t index = hash & mask_;
    while (slots_[index].entry != 0) index = (index + 1) & mask_;
    slots_[index] = Slot{static_cast<std::uint32_t>(hash >> 32),
                         static_cast<std::uint32_t>(offset / kAlignment + 1)};
    offset += entry_size(word.size());
  }
}

}  // namespace smlapi::vader
