#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// The few UTF-8 operations the tokenizer needs. The scorer accepts only well-formed UTF-8
// (checked once by is_well_formed()); the other functions rely on that.
namespace smlapi::afinn::utf8 {

// Strict: no stray or missing continuation bytes, overlong forms, surrogates (which JavaScript
// strings could hold alone but UTF-8 cannot) or code points above U+10FFFF.
bool is_well_formed(std::string_view text);

// Decodes the sequence starting at text[pos] and advances pos past it.
char32_t decode_next(std::string_view text, std::size_t& pos);

// Decodes the sequence ending just before text[pos] and moves pos back to its first byte.
char32_t decode_previous(std::string_view text, std::size_t& pos);

void append(std::string& out, char32_t code_point);

}  // namespace smlapi::afinn::utf8
