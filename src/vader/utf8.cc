#include "vader/utf8.h"

#include <simdjson.h>

namespace smlapi::vader::utf8 {
Encoding classify(std::string_view text) {
  // ASCII up to the first high byte (eight bytes at a time), then simdjson's vectorised
  // validator for the rest: same strict rules (Unicode Table 3-7), and most texts with any
  // multi-byte character are mostly ASCII after it too.
  const std::size_t first_high = skip_ascii(text, 0);
  if (first_high == text.size()) return Encoding::ascii;
  return simdjson::validate_utf8(text.data() + first_high, text.size() - first_high)
             ? Encoding::unicode
             : Encoding::invalid;
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
