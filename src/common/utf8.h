// UTF-8 facts every layer needs the same way: how many code points a text has (what the input
// limits count, as Python's len() does) and where a well-formed sequence ends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace smlapi::utf8 {

// Number of code points in well-formed UTF-8 (bytes that are not continuation bytes).
std::size_t code_point_count(std::string_view text) noexcept;

// Length of the well-formed UTF-8 sequence starting at text[0], or 0 when it is not one
// (Unicode 15, table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t sequence_length(std::string_view text) noexcept;

namespace detail {
inline std::uint64_t load_word(const char* bytes) noexcept {
  std::uint64_t word;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

// Copies `size` bytes and says whether they were all ASCII (if not, the copy is to be redone).
// Words of eight, the last one overlapping the one before: no byte-by-byte tail for texts of
// eight bytes or more, and no call to memcpy for the short texts span records hold.
inline bool copy_if_ascii(const char* bytes, std::size_t size, char* out) noexcept {
  if (size >= sizeof(std::uint64_t)) {
    std::uint64_t high = 0;
    for (std::size_t i = 0; i + sizeof high <= size; i += sizeof high) {
      const std::uint64_t word = load_word(bytes + i);
      high |= word;
      std::memcpy(out + i, &word, sizeof word);
    }
    const std::size_t last = size - sizeof(std::uint64_t);
    const std::uint64_t word = load_word(bytes + last);
    high |= word;
    std::memcpy(out + last, &word, sizeof word);
    return (high & 0x8080808080808080ull) == 0;
  }
  unsigned char high = 0;
  for (std::size_t i = 0; i < size; ++i) {
    high |= static_cast<unsigned char>(bytes[i]);
    out[i] = bytes[i];
  }
  return (high & 0x80) == 0;
}
}  // namespace detail

// Whether every byte is below 0x80, a word at a time (the last word overlapping the one before).
inline bool is_ascii(std::string_view text) noexcept {
  const char* bytes = text.data();
  const std::size_t size = text.size();
  if (size >= sizeof(std::uint64_t)) {
    std::uint64_t high = detail::load_word(bytes + size - sizeof(std::uint64_t));
    for (std::size_t i = 0; i + sizeof high <= size; i += sizeof high) {
      high |= detail::load_word(bytes + i);
    }
    return (high & 0x8080808080808080ull) == 0;
  }
  unsigned char high = 0;
  for (std::size_t i = 0; i < size; ++i) high |= static_cast<unsigned char>(bytes[i]);
  return (high & 0x80) == 0;
}

// copy_well_formed for text that is not plain ASCII or does not fit.
std::size_t copy_repairing(std::string_view text, char* out, std::size_t room) noexcept;

// Copies `text` into `out` as well-formed UTF-8 of at most `room` bytes: whole sequences only
// (a text cut at `room` never ends inside a character), each ill-formed byte replaced by U+FFFD
// while it fits. Returns the bytes written. Plain ASCII that fits (span names, routes, most
// paths) is copied inline in one pass, without a call: every traced request records several.
inline std::size_t copy_well_formed(std::string_view text, char* out, std::size_t room) noexcept {
  if (text.size() <= room && detail::copy_if_ascii(text.data(), text.size(), out)) {
    return text.size();
  }
  return copy_repairing(text, out, room);
}

}  // namespace smlapi::utf8
