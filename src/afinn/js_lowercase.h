#pragma once

#include <string>
#include <string_view>

// JavaScript's String.prototype.toLowerCase() on UTF-8, as V8 computes it (ICU, root locale):
// full mappings (U+0130 İ becomes "i̇", the Kelvin sign K becomes "k") and the final-sigma rule
// (Σ becomes ς at the end of a word, σ elsewhere, deciding "word" as ICU does).
namespace smlapi::afinn {

// Appends the lowercase of `utf8_text` (well-formed UTF-8) to `out`.
void append_js_lowercase(std::string_view utf8_text, std::string& out);

}  // namespace smlapi::afinn
