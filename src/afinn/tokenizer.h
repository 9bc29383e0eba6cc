#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// sentiment@5.0.2's lib/tokenize.js, which in JavaScript reads
//
//   input.toLowerCase()
//        .replace(/\n/g, ' ')
//        .replace(/[.,\/#!?$%\^&\*;:{}=_`\"~()]/g, ' ')
//        .replace(/\s\s+/g, ' ')
//        .trim()
//        .split(' ');
//
// and therefore has these consequences, all reproduced:
//   * only the 22 ASCII characters of that class and the line feed separate words; apostrophes,
//     hyphens, brackets, '@', '+', '<', '>', '|', '\\', digits and every non-ASCII symbol or
//     emoji stay inside words ("don't", "e-mail", "good😀" are one token each);
//   * a run of two or more JavaScript whitespace characters separates words, but one lone tab,
//     carriage return, no-break space or other non-space whitespace character does not:
//     "good\tbad" is ONE token, "good\t\tbad" and "good \tbad" are two;
//   * whitespace at either end is dropped, and a text with no words still has one token, the
//     empty string (so the package's comparative never divides by zero).
namespace smlapi::afinn {

// One instance per thread: it keeps the lowercased text and the token list between calls, so
// tokens stay valid until the next tokenize() and no allocation happens once buffers have grown.
class Tokenizer {
 public:
  // `utf8_text` must be well-formed UTF-8 (utf8::is_well_formed). The views point into this
  // tokenizer and are valid until the next call.
  const std::vector<std::string_view>& tokenize(std::string_view utf8_text);

 private:
  std::string lowered_;
  std::vector<std::string_view> tokens_;
};

}  // namespace smlapi::afinn
