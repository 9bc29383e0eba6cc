#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <boost/system/result.hpp>

#include "afinn/model_file_parser.h"
#include "afinn/model_load_error.h"
#include "afinn/word_score.h"

namespace smlapi::afinn {

// The data sentiment@5.0.2 scores English with: AFINN-165 words, emoji scores (merged into one
// table, an emoji replacing a word with the same key as the package's Object.assign() does) and
// the negators. Immutable once built, so one instance is shared by all threads through
// shared_ptr<const Model>.
class Model {
 public:
  // The compiled-in model (models/afinn/), built on first use.
  static std::shared_ptr<const Model> builtin();

  // A model from the three files' contents (formats: model_file_parser.h); the first problem
  // found is returned with its file and line.
  static boost::system::result<std::shared_ptr<const Model>, ModelLoadError> from_text(
      std::string_view words_tsv, std::string_view emoji_tsv, std::string_view negators_txt);

  // "afinn-165-sentiment-5.0.2+<12 hex digits of SHA-256 over the sorted entries and
  // negators>": equal for equal content however the model was put together.
  std::string_view version() const { return version_; }
  std::size_t entry_count() const { return scores_.size(); }

  // Scoring-path lookups, keyed by a token exactly as the tokenizer produced it.
  std::optional<WordScore> find(std::string_view token) const;
  bool is_negator(std::string_view token) const { return negators_.contains(token); }

  Model(const ScoreTable& words, const ScoreTable& emoji, const std::vector<std::string>& negators);

 private:
  struct TransparentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };
  template <typename Value>
  using StringMap = std::unordered_map<std::string, Value, TransparentHash, std::equal_to<>>;
  using StringSet = std::unordered_set<std::string, TransparentHash, std::equal_to<>>;

  StringMap<int> scores_;
  StringSet negators_;
  std::string version_;
};

}  // namespace smlapi::afinn
