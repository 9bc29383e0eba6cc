// Language honesty: the models here are English. A text they can barely read still gets a
// score (usually a neutral one) that means "nothing recognised", not "neutral", so answers
// carry warnings when that is likely. Model-neutral: the model says how many tokens it knew
// (Reading), this decides. Never changes a score. Thresholds: docs/model.md.
#pragma once

#include "model/model.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace smlapi::model {

// Fewer known tokens than this share (or no token at all) warns "low_coverage".
inline constexpr double kLowCoverage = 0.2;

enum Warning : std::uint8_t {
  low_coverage = 1,      // under kLowCoverage of the tokens are known to the model
  non_latin_script = 2,  // more than half of the letters are of other scripts than Latin
};

struct LanguageCheck {
  double coverage = 0;        // known_tokens / tokens, 0 for a text without tokens
  std::uint8_t warnings = 0;  // Warning bits
};

// Letters of the Latin script versus letters of other scripts (Greek, Cyrillic, Arabic, Hebrew,
// Indic, Thai, CJK, Hangul, ...); digits, punctuation, symbols and emoji are neither.
struct ScriptCount {
  std::size_t latin = 0;
  std::size_t other = 0;
};
// `utf8_text` must be well-formed UTF-8 (the endpoints have checked it).
ScriptCount count_scripts(std::string_view utf8_text) noexcept;

LanguageCheck check_language(std::string_view utf8_text, const Reading& reading) noexcept;

// ["low_coverage","non_latin_script"]: the names of the set bits, as a JSON array.
void append_warnings_json(std::string& out, std::uint8_t warnings);
// The same names joined by commas ("" when none): one OIP BYTES element per text.
void append_warnings_list(std::string& out, std::uint8_t warnings);

}  // namespace smlapi::model
