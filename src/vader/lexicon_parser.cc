#include "vader/lexicon_parser.h"

#include <charconv>
#include <cmath>
#include <optional>
#include <string>
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

std::string python_lower(std::string_view word) {
  std::string lowered;
  std::vector<char32_t> scratch;
  unicode::append_lower(word, lowered, scratch);
  return lowered;
}

// The valence column that removes a word instead of rating it.
constexpr std::string_view kRemoveMark = "-";

// Splits `entry` at runs of Unicode whitespace (Python str.split(), as VADER splits texts).
std::vector<std::string_view> split_words(std::string_view entry) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < entry.size()) {
    if (const std::size_t space = unicode::whitespace_length_at(entry, pos); space != 0) {
      pos += space;
      continue;
    }
    const std::size_t start = pos;
    while (pos < entry.size() && unicode::whitespace_length_at(entry, pos) == 0) {
      utf8::decode_next(entry, pos);
    }
    words.push_back(entry.substr(start, pos - start));
  }
  return words;
}

// The first column of a change line: one word, or a phrase whose words are joined by one
// space (the form SentiText matches on). Lowercase only, bounded in size and word count.
boost::system::result<std::string, ModelLoadError> parse_entry(std::string_view field,
                                                               std::size_t line) {
  const std::string_view entry = unicode::strip_whitespace(field);
  if (entry.empty()) return ModelLoadError{line, "expected word<TAB>valence (empty word)"};
  if (entry.size() > kMaxEntryBytes) {
    return ModelLoadError{line,
                          "entry is longer than " + std::to_string(kMaxEntryBytes) + " bytes"};
  }
  const std::vector<std::string_view> words = split_words(entry);
  if (words.size() > kMaxPhraseWords) {
    return ModelLoadError{line,
                          "phrase has more than " + std::to_string(kMaxPhraseWords) + " words"};
  }
  std::string joined;
  for (std::string_view word : words) {
    if (!joined.empty()) joined.push_back(' ');
    joined.append(word);
  }
  if (python_lower(joined) != joined) {
    return ModelLoadError{line,
                          "'" + joined + "' is not lowercase; VADER looks words up lowercased"};
  }
  return joined;
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

boost::system::result<LexiconChanges, ModelLoadError> parse_lexicon_overrides(
    std::string_view text) {
  if (text.size() > kMaxChangeFileBytes) {
    return ModelLoadError{0,
                          "file is larger than " + std::to_string(kMaxChangeFileBytes) + " bytes"};
  }
  LexiconChanges changes;
  std::size_t entries = 0;
  auto error = for_each_line(
      text, [&](std::size_t number, std::string_view line) -> std::optional<ModelLoadError> {
        const std::string_view content = unicode::strip_whitespace(line);
        if (content.empty() || content.front() == '#') return std::nullopt;
        if (++entries > kMaxChangeEntries) {
          return ModelLoadError{number,
                                "more than " + std::to_string(kMaxChangeEntries) + " entries"};
        }
        const auto fields = split_tabs(content);
        if (fields.size() < 2) return ModelLoadError{number, "expected word<TAB>valence"};
        auto entry = parse_entry(fields[0], number);
        if (!entry) return entry.error();
        const bool is_phrase = entry->find(' ') != std::string::npos;
        if (unicode::strip_whitespace(fields[1]) == kRemoveMark) {
          if (is_phrase) {
            return ModelLoadError{number,
                                  "only words can be removed ('-'); phrases exist only "
                                  "in this file: delete the line instead"};
          }
          changes.words.insert_or_assign(std::move(*entry), std::nullopt);
          return std::nullopt;
        }
        auto valence = parse_valence(fields[1]);
        if (!valence) return ModelLoadError{number, valence.error()};
        if (is_phrase) {
          changes.phrases.insert_or_assign(std::move(*entry), *valence);
        } else {
          changes.words.insert_or_assign(std::move(*entry), *valence);
        }
        return std::nullopt;
      });
  if (error) return *error;
  return changes;
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
