#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vader/word_info.h"

namespace smlapi::vader {

namespace detail {

inline std::uint64_t mix_hash(std::uint64_t value) {
  value ^= value >> 32;
  value *= 0xD6E8FEB86659FD93ull;
  value ^= value >> 32;
  return value;
}

// a[0..n) == b[0..n) with fixed-size (overlapping) loads: inline, where memcmp is a call for
// keys of a few bytes.
inline bool equal_bytes(const char* a, const char* b, std::size_t n) {
  const auto load64 = [](const char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  const auto load32 = [](const char* p) {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (load64(a + i) != load64(b + i)) return false;
    }
    return load64(a + n - 8) == load64(b + n - 8);
  }
  if (n >= 4) return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace detail

// Fast non-cryptographic hash for short strings (lowercased words).
inline std::uint64_t hash_word(std::string_view word) {
  constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ull;
  std::uint64_t hash = kMultiplier ^ word.size();
  const char* data = word.data();
  std::size_t left = word.size();
  while (left >= 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, data, sizeof chunk);
    hash = (hash ^ chunk) * kMultiplier;
    hash ^= hash >> 29;
    data += 8;
    left -= 8;
  }
  // The tail is read with fixed-size loads (overlapping when needed): a variable-length memcpy
  // into a zeroed word compiles to byte stores that stall the following 8-byte load.
  if (left >= 4) {
    std::uint32_t low;
    std::uint32_t high;
    std::memcpy(&low, data, sizeof low);
    std::memcpy(&high, data + left - 4, sizeof high);
    hash = (hash ^ (std::uint64_t{low} << 32 | high)) * kMultiplier;
  } else if (left > 0) {
    const auto byte = [&](std::size_t i) {
      return std::uint64_t{static_cast<unsigned char>(data[i])};
    };
    hash = (hash ^ (byte(0) << 16 | byte(left / 2) << 8 | byte(left - 1))) * kMultiplier;
  }
  return detail::mix_hash(hash);
}

// Immutable open-addressing hash table from a lowercased word to its WordInfo. The probe array
// holds only 8-byte (hash tag, entry) pairs so it stays cache-resident; keys live in one
// contiguous buffer. A lookup is one hash, usually one probe, one entry and one key compare.
class WordTable {
 public:
  // An empty table has one empty slot, so lookups need no emptiness check.
  WordTable() : slots_(1) {}
  explicit WordTable(const std::vector<std::pair<std::string, WordInfo>>& entries);

  const WordInfo* find(std::string_view word) const {
    const std::uint64_t hash = hash_word(word);
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    for (std::size_t index = hash & mask_;; index = (index + 1) & mask_) {
      const Slot slot = slots_[index];
      if (slot.entry == 0) return nullptr;
      if (slot.tag != tag) continue;
      const Entry& entry = entries_[slot.entry - 1];
      if (entry.key_length == word.size() &&
          detail::equal_bytes(keys_.data() + entry.key_offset, word.data(), word.size())) {
        return &entry.info;
      }
    }
  }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Slot {
    std::uint32_t tag = 0;    // high half of the key's hash
    std::uint32_t entry = 0;  // index + 1 into entries_; 0 marks an empty slot
  };
  struct Entry {
    WordInfo info;
    std::uint32_t key_offset = 0;
    std::uint32_t key_length = 0;
  };

  std::string keys_;
  std::vector<Entry> entries_;
  std::vector<Slot> slots_;
  std::uint64_t mask_ = 0;
};

}  // namespace smlapi::vader
