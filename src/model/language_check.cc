#include "model/language_check.h"

#include <array>
#include <utility>

namespace smlapi::model {
namespace {

struct Range {
  char32_t first;
  char32_t last;
};

// Latin letters beyond ASCII: Latin-1 letters (without x and /), Latin Extended-A/B, IPA,
// Latin Extended Additional, fullwidth Latin.
constexpr Range kLatin[] = {{0x00C0, 0x00D6}, {0x00D8, 0x00F6}, {0x00F8, 0x02AF},
                            {0x1E00, 0x1EFF}, {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A}};

// Blocks of letters of other scripts: Greek through the Indic, Southeast Asian, Georgian,
// Ethiopic and Cherokee blocks up to Mongolian; Hangul Jamo; CJK radicals, kana, Bopomofo,
// ideographs and Yi; Hangul syllables; CJK compatibility; Hebrew and Arabic presentation
// forms; half-width kana and Hangul; the supplementary ideograph planes. Combining marks of
// these blocks count too (an Arabic or Devanagari text is letters and marks).
constexpr Range kOther[] = {{0x0370, 0x03FF}, {0x0400, 0x052F}, {0x0531, 0x058F},  {0x0591, 0x05F4},
                            {0x0600, 0x06FF}, {0x0700, 0x08FF}, {0x0900, 0x0DFF},  {0x0E01, 0x0FFF},
                            {0x1000, 0x10FF}, {0x1100, 0x11FF}, {0x1200, 0x13FF},  {0x1400, 0x18AF},
                            {0x2E80, 0x2FDF}, {0x3040, 0x31FF}, {0x3400, 0x4DBF},  {0x4E00, 0x9FFF},
                            {0xA000, 0xA4CF}, {0xAC00, 0xD7AF}, {0xF900, 0xFAFF},  {0xFB1D, 0xFDFF},
                            {0xFE70, 0xFEFF}, {0xFF66, 0xFFDC}, {0x20000, 0x3134F}};

template <std::size_t N>
bool in(const Range (&ranges)[N], char32_t cp) {
  for (const Range& range : ranges) {
    if (cp >= range.first && cp <= range.last) return true;
  }
  return false;
}

bool is_ascii_letter(unsigned char byte) {
  return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z');
}

// Decodes the well-formed multi-byte sequence at text[pos]; advances pos.
char32_t decode(std::string_view text, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0xE0) {
    const char32_t cp = ((lead & 0x1Fu) << 6) | (byte(pos + 1) & 0x3Fu);
    pos += 2;
    return cp;
  }
  if (lead < 0xF0) {
    const char32_t cp =
        ((lead & 0x0Fu) << 12) | ((byte(pos + 1) & 0x3Fu) << 6) | (byte(pos + 2) & 0x3Fu);
    pos += 3;
    return cp;
  }
  const char32_t cp = ((lead & 0x07u) << 18) | ((byte(pos + 1) & 0x3Fu) << 12) |
                      ((byte(pos + 2) & 0x3Fu) << 6) | (byte(pos + 3) & 0x3Fu);
  pos += 4;
  return cp;
}

constexpr std::array<std::pair<Warning, std::string_view>, 2> kNames = {
    {{low_coverage, "low_coverage"}, {non_latin_script, "non_latin_script"}}};

}  // namespace

ScriptCount count_scripts(std::string_view text) noexcept {
  ScriptCount count;
  for (std::size_t pos = 0; pos < text.size();) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    if (lead < 0x80) {
      count.latin += is_ascii_letter(lead);
      ++pos;
      continue;
    }
    if (lead < 0xC0) {  // not reachable in well-formed UTF-8; never loop forever
      ++pos;
      continue;
    }
    const char32_t cp = decode(text, pos);
    if (in(kLatin, cp)) {
      ++count.latin;
    } else if (in(kOther, cp)) {
      ++count.other;
    }
  }
  return count;
}

LanguageCheck check_language(std::string_view utf8_text, const Reading& reading) noexcept {
  LanguageCheck check;
  if (reading.tokens != 0) {
    check.coverage =
        static_cast<double>(reading.known_tokens) / static_cast<double>(reading.tokens);
  }
  if (reading.tokens == 0 || check.coverage < kLowCoverage) check.warnings |= low_coverage;
  const ScriptCount scripts = count_scripts(utf8_text);
  if (scripts.other > scripts.latin) check.warnings |= non_latin_script;
  return check;
}

void append_warnings_json(std::string& out, std::uint8_t warnings) {
  out.push_back('[');
  bool first = true;
  for (const auto& [bit, name] : kNames) {
    if ((warnings & bit) == 0) continue;
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    out.append(name);  // plain ASCII names: nothing to escape
    out.push_back('"');
  }
  out.push_back(']');
}

void append_warnings_list(std::string& out, std::uint8_t warnings) {
  bool first = true;
  for (const auto& [bit, name] : kNames) {
    if ((warnings & bit) == 0) continue;
    if (!first) out.push_back(',');
    first = false;
    out.append(name);
  }
}

}  // namespace smlapi::model
