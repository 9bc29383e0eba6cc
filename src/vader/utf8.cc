#include "vader/utf8.h"

#include <cstring>

namespace smlapi::vader::utf8 {
namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080ull;

bool is_continuation(unsigned char byte) { return (byte & 0xC0u) == 0x80u; }

// Length of the well-formed sequence at text[pos] (Unicode Table 3-7), or 0 if ill-formed.
std::size_t sequence_length(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const std::size_t left = text.size() - pos;
  const unsigned char lead = byte(pos);
  if (lead >= 0xC2 && lead <= 0xDF) {
    return left >= 2 && is_continuation(byte(pos + 1)) ? 2 : 0;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (left < 3) return 0;
    const unsigned char second = byte(pos + 1);
    const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;   // no overlong forms
    const unsigned char high = lead == 0xED ? 0x9F : 0xBF;  // no surrogates
    if (second < low || second > high) return 0;
    return is_continuation(byte(pos + 2)) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (left < 4) return 0;
    const unsigned char second = byte(pos + 1);
    const unsigned char low = lead == 0xF0 ? 0x90 : 0x80;   // no overlong forms
    const unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
    if (second < low || second > high) return 0;
    return is_continuation(byte(pos + 2)) && is_continuation(byte(pos + 3)) ? 4 : 0;
  }
  return 0;
}

}  // namespace

Encoding classify(std::string_view text) {
  std::size_t pos = 0;
  bool saw_multibyte = false;
  while (pos < text.size()) {
    // ASCII fast path, eight bytes at a time.
    if (text.size() - pos >= 8) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + pos, sizeof word);
      if ((word & kHighBits) == 0) {
        pos += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const std::size_t length = sequence_length(text, pos);
    if (length == 0) return Encoding::invalid;
    saw_multibyte = true;
    pos += length;
  }
  return saw_multibyte ? Encoding::unicode : Encoding::ascii;
}

void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace smlapi::vader::utf8
