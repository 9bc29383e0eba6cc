#pragma once

#include <cstdint>
#include <string_view>

// Tables measured from Node.js by tools/gen_js_case_tables.mjs (see js_text_tables.inc for the
// Node.js, ICU and Unicode versions). They describe JavaScript's behaviour, not Unicode's in
// the abstract: where the two could differ, the package's behaviour is what is reproduced.
namespace smlapi::afinn::js_tables {

// String.prototype.toLowerCase() of one code point: `first`, then `second` unless it is 0
// (only U+0130 İ maps to two code points, "i" + U+0307).
struct LowercaseMapping {
  char32_t from;
  char32_t first;
  char32_t second;
};

// How a code point next to U+03A3 Σ acts in the final-sigma rule: a cased letter settles the
// question, an ignorable one (apostrophes, full stops, combining marks, ...) is skipped.
enum class SigmaContext : std::uint8_t { none, cased, ignorable };

struct SigmaContextRange {
  char32_t first;
  char32_t last;
  SigmaContext kind;
};

#include "afinn/js_text_tables.inc"

}  // namespace smlapi::afinn::js_tables
