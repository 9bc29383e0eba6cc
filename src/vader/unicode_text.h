#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "vader/ascii_class.h"

// Python str semantics VADER depends on, for well-formed UTF-8: split()/strip() whitespace,
// lower() (full mapping, Final_Sigma rule) and isupper(). Tables come from
// unicode_tables.inc, generated from CPython by tools/gen_unicode_tables.py.
namespace smlapi::vader::unicode {

// Byte length of the Python whitespace code point (str.isspace()) starting at text[pos], or 0.
// Inline for ASCII, the byte the tokenizer asks about most.
std::size_t non_ascii_whitespace_length_at(std::string_view text, std::size_t pos);
inline std::size_t whitespace_length_at(std::string_view text, std::size_t pos) {
  if (static_cast<unsigned char>(text[pos]) < 0x80) {
    return (ascii::class_of(text[pos]) & ascii::kSpace) != 0 ? 1 : 0;
  }
  return non_ascii_whitespace_length_at(text, pos);
}

// Byte length of the Python whitespace code point ending just before text[end], or 0.
std::size_t whitespace_length_before(std::string_view text, std::size_t end);

// Python's str.strip() with no arguments.
std::string_view strip_whitespace(std::string_view text);

bool is_whitespace(char32_t cp);

// What lower() and isupper() depend on for a word, found without writing anything: whether it
// is all ASCII, and whether it has upper- and lower-case letters. An ASCII word without
// capitals is its own lower(), which is most words.
struct AsciiCase {
  bool ascii = true;
  bool has_upper = false;  // has_upper and has_lower: only meaningful when ascii
  bool has_lower = false;
};
AsciiCase ascii_case(std::string_view word);

// Appends Python's word.lower() to `out` and returns word.isupper(). `code_points` is scratch
// space (only used for non-ASCII words).
bool append_lower(std::string_view word, std::string& out, std::vector<char32_t>& code_points);

}  // namespace smlapi::vader::unicode
