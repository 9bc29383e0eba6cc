#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "vader/emoji_table.h"
#include "vader/lexicon_parser.h"
#include "vader/model_load_error.h"
#include "vader/phrase_table.h"
#include "vader/word_table.h"

namespace smlapi::vader {

// The data VADER scores with: the word lexicon (plus the fixed rule word lists folded into one
// lookup table) and the emoji table. Immutable once built, so one instance is shared by all
// threads through shared_ptr<const Model>.
class Model {
 public:
  // The compiled-in model (models/vader/), built on first use.
  static std::shared_ptr<const Model> builtin();

  // A model whose lexicon is the given vader_lexicon.txt-format text instead of the builtin
  // one (the emoji table stays builtin).
  static boost::system::result<std::shared_ptr<const Model>, ModelLoadError> from_lexicon_text(
      std::string_view text);

  // `base` changed by a change file: words added, re-rated or removed, phrases added (see
  // parse_lexicon_overrides()).
  static boost::system::result<std::shared_ptr<const Model>, ModelLoadError> with_overrides(
      std::shared_ptr<const Model> base, std::string_view overrides_text);

  // "vader-3.3.2+<12 hex digits of SHA-256 over the canonical lexicon, phrases and emoji
  // table>": equal for equal content however the model was put together.
  std::string_view version() const { return version_; }
  std::size_t lexicon_size() const { return lexicon_.size(); }
  const Lexicon& lexicon() const { return lexicon_; }
  // Multi-word entries ("customer service" -> -2.0); empty for the builtin model.
  const Lexicon& phrase_lexicon() const { return phrase_lexicon_; }
  const PhraseTable& phrases() const { return phrases_; }

  // Scoring-path lookups. `lowered` must already be lowercased (Python str.lower()).
  const WordInfo* find_word(std::string_view lowered) const { return words_.find(lowered); }
  const EmojiTable& emoji() const { return *emoji_; }

  Model(Lexicon lexicon, std::shared_ptr<const EmojiTable> emoji, Lexicon phrases = {});

 private:
  Lexicon lexicon_;
  Lexicon phrase_lexicon_;
  PhraseTable phrases_;
  std::shared_ptr<const EmojiTable> emoji_;
  WordTable words_;
  std::string version_;
};

}  // namespace smlapi::vader
