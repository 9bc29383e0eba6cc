#include "afinn/model_file_parser.h"

#include <optional>
#include <unordered_set>

#include "afinn/utf8.h"

namespace smlapi::afinn {
namespace {

constexpr int kLowestScore = -5;  // AFINN's scale; the emoji scores are floor(5 * x), x in -1..1
constexpr int kHighestScore = 5;

// Calls visit(line_number, line) for each non-blank line, without its line end. Stops at, and
// returns, the first error visit() reports.
template <typename Visit>
std::optional<ModelLoadError> for_each_line(std::string_view text, std::string_view file_name,
                                            Visit visit) {
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!utf8::is_well_formed(line)) {
      return ModelLoadError{std::string(file_name), number, "not well-formed UTF-8"};
    }
    if (auto reason = visit(line)) return ModelLoadError{std::string(file_name), number, *reason};
  }
  return std::nullopt;
}

// "-5" .. "5" exactly as JSON.stringify prints an integer.
std::optional<int> parse_score(std::string_view field) {
  const bool negative = !field.empty() && field.front() == '-';
  if (negative) field.remove_prefix(1);
  if (field.size() != 1 || field.front() < '0' || field.front() > '9') return std::nullopt;
  const int magnitude = field.front() - '0';
  if (negative && magnitude == 0) return std::nullopt;
  return negative ? -magnitude : magnitude;
}

}  // namespace

boost::system::result<ScoreTable, ModelLoadError> parse_score_table(std::string_view text,
                                                                    std::string_view file_name) {
  ScoreTable table;
  std::unordered_set<std::string_view> seen;
  const auto error = for_each_line(text, file_name, [&](std::string_view line) {
    const std::size_t tab = line.find('\t');
    if (tab == std::string_view::npos || line.find('\t', tab + 1) != std::string_view::npos) {
      return std::optional<std::string>("expected exactly two fields: key<TAB>score");
    }
    const std::string_view key = line.substr(0, tab);
    if (key.empty()) return std::optional<std::string>("empty key");
    const auto score = parse_score(line.substr(tab + 1));
    if (!score || *score < kLowestScore || *score > kHighestScore) {
      return std::optional<std::string>("score must be an integer from -5 to 5");
    }
    if (!seen.insert(key).second) {
      return std::optional<std::string>("duplicate key \"" + std::string(key) + "\"");
    }
    table.emplace_back(key, *score);
    return std::optional<std::string>();
  });
  if (error) return *error;
  return table;
}

boost::system::result<std::vector<std::string>, ModelLoadError> parse_negators(
    std::string_view text, std::string_view file_name) {
  std::vector<std::string> negators;
  std::unordered_set<std::string_view> seen;
  const auto error = for_each_line(text, file_name, [&](std::string_view word) {
    if (word.find_first_of(" \t") != std::string_view::npos) {
      return std::optional<std::string>("a negator is one word, without spaces or tabs");
    }
    if (!seen.insert(word).second) {
      return std::optional<std::string>("duplicate negator \"" + std::string(word) + "\"");
    }
    negators.emplace_back(word);
    return std::optional<std::string>();
  });
  if (error) return *error;
  return negators;
}

}  // namespace smlapi::afinn
