#include "vader/lexicon_parser.h"

#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include "vader/unicode_text.h"
#include "vader/utf8.h"

namespace smlapi::vader {
namespace {

// Calls visit(line_number, line) for each '\n'-separated line of text.rstrip('\n'), stopping
// at the first error it returns.
template <typename Visit>
std::optional<ModelLoadError> for_each_line(std::string_view text, Visit visit) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (true) {
    ++line_number;
    const std::size_t end = text.find('\n', start);
    const std::string_view line =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (utf8::classify(line) == utf8::Encoding::invalid) {
      return ModelLoadError{line_number, "line is not valid UTF-8"};
    }
    if (auto error = visit(line_number, line)) return error;
    if (end == std::string_view::npos) return std::nullopt;
    start = end + 1;
  }
}

// Python float() on a lexicon field, restricted to finite numbers on VADER's scale.
boost::system::result<double, std::string> parse_valence(std::string_view field) {
  field = unicode::strip_whitespace(field);
  std::string_view digits = field;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size()) {
    return "valence '" + std::string(field) + "' is not a number";
  }
  if (!std::isfinite(value) || std::fabs(value) > kMaxAbsValence) {
    return "valence '" + std::string(field) + "' is outside [-4, 4], VADER's rating scale";
  }
  return value;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
}

bool has_whitespace(std::string_view word) {
  for (std::size_t pos = 0; pos < word.size();) {
    if (unicode::whitespace_length_at(word, pos) != 0) return true;
    utf8::decode_next(word, pos);
  }
  return false;
}

std::string python_lower(std::string_view word) {
  std::string lowered;
  std::vector<char32_t> scratch;
  unicode::append_lower(word, lowered, scratch);
  return lowered;
}

}  // namespace

boost::system::result<Lexicon, ModelLoadError> parse_lexicon_file(std::string_view text) {
  Lexicon lexicon;
  auto error = for_each_line(
      text, [&](std::size_t number, std::string_view line) -> std::optional<ModelLoadError> {
        if (line.empty()) return std::nullopt;
        const auto fields = split_tabs(unicode::strip_whitespace(line));
        if (fields.size() < 2) return ModelLoadError{number, "expected word<TAB>valence"};
        auto valence = parse_valence(fields[1]);
        if (!valence) return ModelLoadError{number, valence.error()};
        lexicon.insert_or_assign(std::string(fields[0]), *valence);
        return std::nullopt;
      });
  if (error) return *error;
  return lexicon;
}

boost::system::result<Lexicon, ModelLoadError> parse_lexicon_overrides(std::string_view text) {
  Lexicon lexicon;
  auto error = for_each_line(
      text, [&](std::size_t number, std::string_view line) -> std::optional<ModelLoadError> {
        const std::string_view content = unicode::strip_whitespace(line);
        if (content.empty() || content.front() == '#') return std::nullopt;
        const auto fields = split_tabs(content);
        if (fields.size() != 2) return ModelLoadError{number, "expected word<TAB>valence"};
        const std::string_view word = unicode::strip_whitespace(fields[0]);
        if (word.empty()) return ModelLoadError{number, "empty word"};
        if (has_whitespace(word)) {
          return ModelLoadError{number, "word '" + std::string(word) +
                                            "' contains whitespace; VADER scores single words"};
        }
        if (python_lower(word) != word) {
          return ModelLoadError{number, "word '" + std::string(word) +
                                            "' is not lowercase; VADER looks words up lowercased"};
        }
        auto valence = parse_valence(fields[1]);
        if (!valence) return ModelLoadError{number, valence.error()};
        lexicon.insert_or_assign(std::string(word), *valence);
        return std::nullopt;
      });
  if (error) return *error;
  return lexicon;
}

boost::system::result<std::map<char32_t, std::string>, ModelLoadError> parse_emoji_file(
    std::string_view text) {
  std::map<char32_t, std::string> emoji;
  auto error = for_each_line(
      text, [&](std::size_t number, std::string_view line) -> std::optional<ModelLoadError> {
        const auto fields = split_tabs(unicode::strip_whitespace(line));
        if (fields.size() < 2 || fields[1].empty()) {
          return ModelLoadError{number, "expected emoji<TAB>description"};
        }
        if (utf8::code_point_count(fields[0]) != 1) {
          return ModelLoadError{number, "emoji must be a single code point"};
        }
        std::size_t pos = 0;
        emoji.insert_or_assign(utf8::decode_next(fields[0], pos), std::string(fields[1]));
        return std::nullopt;
      });
  if (error) return *error;
  return emoji;
}

}  // namespace smlapi::vader
