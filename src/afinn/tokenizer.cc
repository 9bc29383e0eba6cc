#include "afinn/tokenizer.h"

#include <algorithm>
#include <iterator>

#include "afinn/js_lowercase.h"
#include "afinn/js_text_tables.h"
#include "afinn/utf8.h"

namespace smlapi::afinn {
namespace {

// What tokenize.js's first two replace() calls turn into a space.
constexpr std::string_view kSeparatorPunctuation = ".,/#!?$%^&*;:{}=_`\"~()";

enum class CharClass : unsigned char {
  word,       // kept inside a token
  separator,  // ' ', '\n' or the punctuation class: a space after the first two replace() calls
  lone_space  // other \s characters: a token boundary only in a run of two or more
};

bool is_js_whitespace(char32_t code_point) {
  return std::binary_search(std::begin(js_tables::kJsWhitespace),
                            std::end(js_tables::kJsWhitespace), code_point);
}

CharClass classify(char32_t code_point) {
  if (code_point == U' ' || code_point == U'\n') return CharClass::separator;
  if (code_point < 0x80) {
    if (kSeparatorPunctuation.find(static_cast<char>(code_point)) != std::string_view::npos) {
      return CharClass::separator;
    }
    // \t, \v, \f and \r: whitespace, but not replaced by the first two replace() calls.
    return code_point >= U'\t' && code_point <= U'\r' ? CharClass::lone_space : CharClass::word;
  }
  return is_js_whitespace(code_point) ? CharClass::lone_space : CharClass::word;
}

// A maximal run of whitespace (after the first two replace() calls) between words.
struct WhitespaceRun {
  std::size_t begin = 0;
  std::size_t code_points = 0;
  bool has_separator = false;

  // /\s\s+/ collapses runs of two or more into the space split() cuts at; a lone separator is
  // already a space; a lone other whitespace character survives inside the token.
  bool splits() const { return code_points >= 2 || has_separator; }
};

}  // namespace

const std::vector<std::string_view>& Tokenizer::tokenize(std::string_view utf8_text) {
  lowered_.clear();
  tokens_.clear();
  append_js_lowercase(utf8_text, lowered_);
  const std::string_view text = lowered_;

  std::size_t token_begin = std::string_view::npos;  // npos: no token started yet (trim())
  WhitespaceRun run;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t here = pos;
    const CharClass kind = classify(utf8::decode_next(text, pos));
    if (kind != CharClass::word) {
      if (run.code_points == 0) run.begin = here;
      ++run.code_points;
      run.has_separator = run.has_separator || kind == CharClass::separator;
      continue;
    }
    if (token_begin == std::string_view::npos) {
      token_begin = here;  // leading whitespace is trimmed
    } else if (run.code_points > 0 && run.splits()) {
      tokens_.push_back(text.substr(token_begin, run.begin - token_begin));
      token_begin = here;
    }
    run = WhitespaceRun{};
  }
  if (token_begin == std::string_view::npos) {
    tokens_.emplace_back();  // "".split(' ') is [""]
  } else {
    // Trailing whitespace is trimmed.
    const std::size_t token_end = run.code_points > 0 ? run.begin : text.size();
    tokens_.push_back(text.substr(token_begin, token_end - token_begin));
  }
  return tokens_;
}

}  // namespace smlapi::afinn
