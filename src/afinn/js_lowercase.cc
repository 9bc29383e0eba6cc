#include "afinn/js_lowercase.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include "afinn/js_text_tables.h"
#include "afinn/utf8.h"

namespace smlapi::afinn {
namespace {

using js_tables::SigmaContext;

constexpr char32_t kCapitalSigma = 0x03A3;
constexpr char32_t kSmallSigma = 0x03C3;
constexpr char32_t kFinalSigma = 0x03C2;

SigmaContext sigma_context_of(char32_t code_point) {
  const auto& ranges = js_tables::kSigmaContextRanges;
  const auto* after =
      std::upper_bound(std::begin(ranges), std::end(ranges), code_point,
                       [](char32_t value, const js_tables::SigmaContextRange& range) {
                         return value < range.first;
                       });
  if (after == std::begin(ranges)) return SigmaContext::none;
  const auto& range = *std::prev(after);
  return code_point <= range.last ? range.kind : SigmaContext::none;
}

// ICU's isFollowedByCasedLetter(): walk away from the sigma skipping ignorable code points; a
// cased one means "a letter is there". Being ignorable wins over being cased, as in ICU.
template <typename Step>
bool cased_letter_beyond(std::string_view text, std::size_t pos, Step step) {
  while (true) {
    const auto next = step(text, pos);
    if (!next) return false;
    const SigmaContext kind = sigma_context_of(*next);
    if (kind != SigmaContext::ignorable) return kind == SigmaContext::cased;
  }
}

struct Forward {
  std::optional<char32_t> operator()(std::string_view text, std::size_t& pos) const {
    if (pos >= text.size()) return std::nullopt;
    return utf8::decode_next(text, pos);
  }
};

struct Backward {
  std::optional<char32_t> operator()(std::string_view text, std::size_t& pos) const {
    if (pos == 0) return std::nullopt;
    return utf8::decode_previous(text, pos);
  }
};

// Unicode's Final_Sigma condition: a cased letter before (skipping ignorables) and none after.
char32_t lowercase_sigma(std::string_view text, std::size_t start, std::size_t end) {
  const bool letter_before = cased_letter_beyond(text, start, Backward{});
  const bool letter_after = cased_letter_beyond(text, end, Forward{});
  return letter_before && !letter_after ? kFinalSigma : kSmallSigma;
}

void append_lowercase_of(char32_t code_point, std::string& out) {
  const auto& mappings = js_tables::kLowercaseMappings;
  const auto* found = std::lower_bound(std::begin(mappings), std::end(mappings), code_point,
                                       [](const js_tables::LowercaseMapping& mapping,
                                          char32_t value) { return mapping.from < value; });
  if (found == std::end(mappings) || found->from != code_point) {
    utf8::append(out, code_point);
    return;
  }
  utf8::append(out, found->first);
  if (found->second != 0) utf8::append(out, found->second);
}

}  // namespace

void append_js_lowercase(std::string_view utf8_text, std::string& out) {
  std::size_t pos = 0;
  while (pos < utf8_text.size()) {
    const auto byte = static_cast<unsigned char>(utf8_text[pos]);
    if (byte < 0x80) {  // ASCII needs no table
      out.push_back(static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + ('a' - 'A') : byte));
      ++pos;
      continue;
    }
    const std::size_t start = pos;
    const char32_t code_point = utf8::decode_next(utf8_text, pos);
    if (code_point == kCapitalSigma) {
      utf8::append(out, lowercase_sigma(utf8_text, start, pos));
    } else {
      append_lowercase_of(code_point, out);
    }
  }
}

}  // namespace smlapi::afinn
