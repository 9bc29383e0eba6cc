#pragma once

#include <array>
#include <cstdint>

// What the tokenizer asks about a byte, in one table look-up instead of a chain of range
// compares per byte: Python's str.isspace() and string.punctuation for ASCII, ASCII case, and
// whether the byte starts or continues a multi-byte UTF-8 sequence.
namespace smlapi::vader::ascii {

enum Class : std::uint8_t {
  kSpace = 1,        // 0x09-0x0D, 0x1C-0x20 (str.isspace() below 0x80)
  kPunctuation = 2,  // string.punctuation
  kLower = 4,        // a-z
  kNonAscii = 8,     // >= 0x80
  kUpper = 0x20,     // A-Z; the value is the ASCII case bit, so `byte | (class & kUpper)` lowers
};

inline constexpr std::array<std::uint8_t, 256> kClasses = [] {
  std::array<std::uint8_t, 256> classes{};
  for (unsigned byte = 0; byte < 256; ++byte) {
    std::uint8_t c = 0;
    if ((byte >= 0x09 && byte <= 0x0D) || (byte >= 0x1C && byte <= 0x20)) c |= kSpace;
    if ((byte >= '!' && byte <= '/') || (byte >= ':' && byte <= '@') ||
        (byte >= '[' && byte <= '`') || (byte >= '{' && byte <= '~')) {
      c |= kPunctuation;
    }
    if (byte >= 'a' && byte <= 'z') c |= kLower;
    if (byte >= 'A' && byte <= 'Z') c |= kUpper;
    if (byte >= 0x80) c |= kNonAscii;
    classes[byte] = c;
  }
  return classes;
}();

inline std::uint8_t class_of(char byte) { return kClasses[static_cast<unsigned char>(byte)]; }

}  // namespace smlapi::vader::ascii
