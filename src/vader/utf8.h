#pragma once

#include "common/utf8.h"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace smlapi::vader::utf8 {

// What a strict UTF-8 scan of a text found.
enum class Encoding : std::uint8_t {
  ascii,    // only bytes < 0x80
  unicode,  // well-formed UTF-8 with at least one multi-byte sequence
  invalid,  // ill-formed: stray/missing continuation bytes, overlong forms, surrogates, > U+10FFFF
};

Encoding classify(std::string_view text);

// Decodes the well-formed sequence starting at text[pos]; advances pos past it.
// Precondition: text is well-formed UTF-8 (checked by classify()).
inline char32_t decode_next(std::string_view text, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  if (lead < 0xE0) {
    const char32_t cp = (char32_t{lead} & 0x1Fu) << 6 | (byte(pos + 1) & 0x3Fu);
    pos += 2;
    return cp;
  }
  if (lead < 0xF0) {
    const char32_t cp = (char32_t{lead} & 0x0Fu) << 12 | (char32_t{byte(pos + 1)} & 0x3Fu) << 6 |
                        (byte(pos + 2) & 0x3Fu);
    pos += 3;
    return cp;
  }
  const char32_t cp = (char32_t{lead} & 0x07u) << 18 | (char32_t{byte(pos + 1)} & 0x3Fu) << 12 |
                      (char32_t{byte(pos + 2)} & 0x3Fu) << 6 | (byte(pos + 3) & 0x3Fu);
  pos += 4;
  return cp;
}

void append(std::string& out, char32_t cp);

// The first position at or after `pos` holding a non-ASCII byte, or text.size(); eight bytes at
// a time.
inline std::size_t skip_ascii(std::string_view text, std::size_t pos) {
  static_assert(std::endian::native == std::endian::little, "byte i is bits 8i..8i+7");
  constexpr std::uint64_t kHighBits = 0x8080808080808080ull;
  while (text.size() - pos >= 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + pos, sizeof word);
    const std::uint64_t high = word & kHighBits;
    if (high != 0) return pos + static_cast<std::size_t>(std::countr_zero(high)) / 8;
    pos += 8;
  }
  while (pos < text.size() && static_cast<unsigned char>(text[pos]) < 0x80) ++pos;
  return pos;
}

// Number of code points in well-formed UTF-8 (what Python's len() counts).
inline std::size_t code_point_count(std::string_view text) {
  return smlapi::utf8::code_point_count(text);
}

}  // namespace smlapi::vader::utf8
