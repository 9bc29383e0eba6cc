#include "vader/unicode_text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>

#include "vader/ascii_class.h"
#include "vader/utf8.h"

namespace smlapi::vader::unicode {
namespace {

struct LowerMapping {
  char32_t code_point;
  char32_t lower;
};
struct LowerMappingUtf8 {
  char32_t code_point;
  const char* lower_utf8;
};
struct CaseRange {
  char32_t first;
  char32_t last;
  std::uint8_t flags;
};

#include "vader/unicode_tables.inc"

constexpr std::uint8_t kLowercase = 1;
constexpr std::uint8_t kUppercase = 2;
constexpr std::uint8_t kTitlecase = 4;
constexpr std::uint8_t kCased = 8;
constexpr std::uint8_t kCaseIgnorable = 16;
constexpr char32_t kCapitalSigma = 0x3A3;

std::uint8_t case_flags(char32_t cp) {
  const auto* end = std::end(kCaseRanges);
  const auto* it = std::upper_bound(std::begin(kCaseRanges), end, cp,
                                    [](char32_t c, const CaseRange& r) { return c < r.first; });
  if (it == std::begin(kCaseRanges)) return 0;
  --it;
  return cp <= it->last ? it->flags : 0;
}

bool is_case_ignorable(char32_t cp) { return (case_flags(cp) & kCaseIgnorable) != 0; }
bool is_cased(char32_t cp) { return (case_flags(cp) & kCased) != 0; }

// CPython's Final_Sigma test: cased (case-ignorable)* SIGMA !((case-ignorable)* cased).
bool is_final_sigma(const std::vector<char32_t>& cps, std::size_t at) {
  std::size_t before = at;
  while (before > 0 && is_case_ignorable(cps[before - 1])) --before;
  if (before == 0 || !is_cased(cps[before - 1])) return false;
  std::size_t after = at + 1;
  while (after < cps.size() && is_case_ignorable(cps[after])) ++after;
  return after == cps.size() || !is_cased(cps[after]);
}

void append_lower_code_point(char32_t cp, std::string& out) {
  const auto* single_end = std::end(kLowerSingle);
  const auto* single =
      std::lower_bound(std::begin(kLowerSingle), single_end, cp,
                       [](const LowerMapping& m, char32_t c) { return m.code_point < c; });
  if (single != single_end && single->code_point == cp) {
    utf8::append(out, single->lower);
    return;
  }
  for (const auto& multi : kLowerMulti) {
    if (multi.code_point == cp) {
      out.append(multi.lower_utf8);
      return;
    }
  }
  utf8::append(out, cp);
}

// Bytes of `word` (all ASCII) in [first, last] get their high bit set in the result.
std::uint64_t ascii_range_mask(std::uint64_t word, char first, char last) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  const std::uint64_t at_least_first = word + kOnes * static_cast<std::uint64_t>(0x80 - first);
  const std::uint64_t above_last = word + kOnes * static_cast<std::uint64_t>(0x7F - last);
  return (at_least_first ^ above_last) & kHigh;
}

// Lower-cases `word` into `out` when it is all ASCII (the common case), checking
// that while lowering rather than in a separate pass. Returns nothing, with
// `out` unchanged, when the word holds a non-ASCII byte.
std::optional<bool> append_lower_ascii(std::string_view word, std::string& out) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  std::uint64_t upper_seen = 0;
  std::uint64_t lower_seen = 0;
  std::uint64_t high_seen = 0;
  const std::size_t start = out.size();
  out.resize(start + word.size());
  char* dest = out.data() + start;
  const char* src = word.data();
  std::size_t left = word.size();
  // Eight bytes at a time (SWAR), written as whole words so the hash that reads them next
  // gets its loads forwarded from these stores.
  while (left >= 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, src, sizeof chunk);
    high_seen |= chunk & kHigh;
    const std::uint64_t upper = ascii_range_mask(chunk, 'A', 'Z');
    upper_seen |= upper;
    lower_seen |= ascii_range_mask(chunk, 'a', 'z');
    chunk |= upper >> 2;  // 0x80 >> 2 == 0x20, the ASCII case bit
    std::memcpy(dest, &chunk, sizeof chunk);
    src += 8;
    dest += 8;
    left -= 8;
  }
  std::uint8_t classes_seen = 0;
  for (; left > 0; --left) {
    const char c = *src++;
    const std::uint8_t byte_class = ascii::class_of(c);
    classes_seen |= byte_class;
    *dest++ = static_cast<char>(c | (byte_class & ascii::kUpper));
  }
  high_seen |= classes_seen & ascii::kNonAscii;
  upper_seen |= classes_seen & ascii::kUpper;
  lower_seen |= classes_seen & ascii::kLower;
  if (high_seen != 0) {
    out.resize(start);
    return std::nullopt;
  }
  return upper_seen != 0 && lower_seen == 0;
}

// Every non-ASCII entry of the generated table is U+0085, U+00A0, U+1680, U+3000 or in
// U+2000..U+207F (a 128-bit mask below): a code point is answered by compares and a bit test.
constexpr char32_t kGeneralPunctuation = 0x2000;
constexpr bool whitespace_table_has_known_shape() {
  for (const char32_t cp : kWhitespace) {
    if (cp >= 0x80 && cp != 0x85 && cp != 0xA0 && cp != 0x1680 && cp != 0x3000 &&
        (cp < kGeneralPunctuation || cp >= kGeneralPunctuation + 128)) {
      return false;
    }
  }
  return true;
}

// Bit (cp - U+2000) of the pair: cp is whitespace.
constexpr std::array<std::uint64_t, 2> kGeneralPunctuationSpaces = [] {
  std::array<std::uint64_t, 2> mask{};
  for (const char32_t cp : kWhitespace) {
    if (cp >= kGeneralPunctuation && cp < kGeneralPunctuation + 128) {
      const char32_t bit = cp - kGeneralPunctuation;
      mask[bit / 64] |= std::uint64_t{1} << (bit % 64);
    }
  }
  return mask;
}();

}  // namespace

bool is_whitespace(char32_t cp) {
  static_assert(whitespace_table_has_known_shape());
  if (cp < 0x80) return (ascii::class_of(static_cast<char>(cp)) & ascii::kSpace) != 0;
  if (cp < kGeneralPunctuation) return cp == 0x85 || cp == 0xA0 || cp == 0x1680;
  if (cp >= kGeneralPunctuation + 128) return cp == 0x3000;
  const char32_t bit = cp - kGeneralPunctuation;
  return ((kGeneralPunctuationSpaces[bit / 64] >> (bit % 64)) & 1u) != 0;
}

std::size_t non_ascii_whitespace_length_at(std::string_view text, std::size_t pos) {
  // Non-ASCII whitespace starts with C2, E1, E2 or E3.
  const auto byte = static_cast<unsigned char>(text[pos]);
  if (byte != 0xC2 && (byte < 0xE1 || byte > 0xE3)) return 0;
  std::size_t next = pos;
  const char32_t cp = utf8::decode_next(text, next);
  return is_whitespace(cp) ? next - pos : 0;
}

std::size_t whitespace_length_before(std::string_view text, std::size_t end) {
  std::size_t start = end - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0u) == 0x80u) --start;
  const std::size_t length = whitespace_length_at(text, start);
  return length == end - start ? length : 0;
}

std::string_view strip_whitespace(std::string_view text) {
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t length = whitespace_length_at(text, begin);
    if (length == 0) break;
    begin += length;
  }
  std::size_t end = text.size();
  while (end > begin) {
    const std::size_t length = whitespace_length_before(text, end);
    if (length == 0) break;
    end -= length;
  }
  return text.substr(begin, end - begin);
}

// lower() and isupper() code point by code point, for a word with a non-ASCII character. Out
// of line: it needs the registers the ASCII path then would have to save on every call.
[[gnu::noinline]] bool append_lower_unicode(std::string_view word, std::string& out,
                                            std::vector<char32_t>& code_points) {
  code_points.clear();
  for (std::size_t pos = 0; pos < word.size();) code_points.push_back(utf8::decode_next(word, pos));
  // CPython isupper(): false on any lowercase or titlecase character, else true if any uppercase.
  bool has_upper = false;
  bool has_lower_or_title = false;
  for (std::size_t i = 0; i < code_points.size(); ++i) {
    const char32_t cp = code_points[i];
    const std::uint8_t flags = cp < 0x80 ? (cp >= 'A' && cp <= 'Z'   ? kUppercase
                                            : cp >= 'a' && cp <= 'z' ? kLowercase
                                                                     : 0)
                                         : case_flags(cp);
    has_upper |= (flags & kUppercase) != 0;
    has_lower_or_title |= (flags & (kLowercase | kTitlecase)) != 0;
    if (cp == kCapitalSigma) {
      utf8::append(out, is_final_sigma(code_points, i) ? char32_t{0x3C2} : char32_t{0x3C3});
    } else if (cp < 0x80) {
      out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp));
    } else {
      append_lower_code_point(cp, out);
    }
  }
  return has_upper && !has_lower_or_title;
}

AsciiCase ascii_case(std::string_view word) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  std::uint64_t high_seen = 0;
  std::uint64_t upper_seen = 0;
  std::uint64_t lower_seen = 0;
  const char* src = word.data();
  std::size_t left = word.size();
  for (; left >= 8; left -= 8, src += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, src, sizeof chunk);
    high_seen |= chunk & kHigh;
    upper_seen |= ascii_range_mask(chunk, 'A', 'Z');
    lower_seen |= ascii_range_mask(chunk, 'a', 'z');
  }
  std::uint8_t classes_seen = 0;
  for (; left > 0; --left) classes_seen |= ascii::class_of(*src++);
  return AsciiCase{
      .ascii = (high_seen | (classes_seen & ascii::kNonAscii)) == 0,
      .has_upper = (upper_seen | (classes_seen & ascii::kUpper)) != 0,
      .has_lower = (lower_seen | (classes_seen & ascii::kLower)) != 0,
  };
}

bool append_lower(std::string_view word, std::string& out, std::vector<char32_t>& code_points) {
  if (auto all_caps = append_lower_ascii(word, out)) return *all_caps;
  return append_lower_unicode(word, out, code_points);
}

}  // namespace smlapi::vader::unicode
