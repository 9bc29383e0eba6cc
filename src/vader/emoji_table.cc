#include "vader/emoji_table.h"

#include <algorithm>
#include <bit>

namespace smlapi::vader {
namespace {

std::uint32_t slot_of(char32_t cp, std::uint32_t mask) {
  return static_cast<std::uint32_t>((std::uint64_t{cp} * 0x9E3779B97F4A7C15ull) >> 40) & mask;
}

}  // namespace

EmojiTable::EmojiTable(const std::map<char32_t, std::string>& entries) : entries_(entries) {
  const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, entries_.size() * 2));
  slots_.resize(capacity);
  mask_ = static_cast<std::uint32_t>(capacity - 1);
  descriptions_.reserve(entries_.size());
  for (const auto& [cp, text] : entries_) {
    has_ascii_entries_ |= cp < 0x80;
    const std::size_t block = cp / kBlockSize;
    if (block >= blocks_.size()) blocks_.resize(block + 1);
    blocks_[block] = true;
    descriptions_.push_back(text);
    std::uint32_t index = slot_of(cp, mask_);
    while (slots_[index].entry != 0) index = (index + 1) & mask_;
    slots_[index] = Slot{cp, static_cast<std::uint32_t>(descriptions_.size())};
  }
}

std::string_view EmojiTable::lookup(char32_t cp) const {
  for (std::uint32_t index = slot_of(cp, mask_);; index = (index + 1) & mask_) {
    const Slot& slot = slots_[index];
    if (slot.entry == 0) return {};
    if (slot.code_point == cp) return descriptions_[slot.entry - 1];
  }
}

}  // namespace smlapi::vader
