#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vader/model.h"
#include "vader/word_info.h"

namespace smlapi::vader {

// One item of the reference's words_and_emoticons, with what the rules ask about it computed
// once: its lowercase form, table entry, isupper() and whether it contains "n't". The entry's
// flags are copied in (set_info): the rules ask them of every token's neighbours, and reading
// them from the token array beats following a pointer into the table each time.
struct Token {
  std::string_view word;
  std::size_t lower_offset = 0;  // in SentiText's lowered text, or kLowerIsWord
  std::size_t lower_length = 0;
  static constexpr std::size_t kLowerIsWord = ~std::size_t{0};  // lower() is `word` itself
  const WordInfo* info = nullptr;  // nullptr: in no lexicon or rule list
  bool is_upper = false;
  bool contains_nt = false;

  void set_info(const WordInfo* found) {
    info = found;
    if (found == nullptr) return;
    in_lexicon_ = found->in_lexicon;
    is_booster_ = found->is_booster;
    is_negation_ = found->is_negation;
    keyword_ = found->keyword;
  }
  bool in_lexicon() const { return in_lexicon_; }
  bool is_booster() const { return is_booster_; }
  Keyword keyword() const { return keyword_; }
  // The reference's negated([word]): NEGATE membership or "n't" inside.
  bool is_negated() const { return contains_nt || is_negation_; }

 private:
  bool in_lexicon_ = false;
  bool is_booster_ = false;
  bool is_negation_ = false;
  Keyword keyword_ = Keyword::none;
};

// The reference's text preparation (emoji -> description, strip) and SentiText tokenization
// (str.split(), strip(string.punctuation) unless two or fewer characters remain, ALL-CAPS
// differential), then, when the model has phrases, each run of tokens that spells a phrase
// becomes one token (longest match first). Reusable: buffers keep their capacity between texts.
class SentiText {
 public:
  // Returns false when `text` is not valid UTF-8.
  bool build(std::string_view text, const Model& model);

  // The emoji-substituted, stripped text the punctuation emphasis is counted on.
  std::string_view text() const { return text_; }
  std::span<const Token> tokens() const { return tokens_; }
  std::string_view lower(const Token& token) const {
    if (token.lower_offset == Token::kLowerIsWord) return token.word;
    return std::string_view(lowered_).substr(token.lower_offset, token.lower_length);
  }
  // Some but not all words are ALL CAPS.
  bool is_cap_diff() const { return is_cap_diff_; }

 private:
  bool substitute_emoji(std::string_view text, const EmojiTable& emoji);
  void split_words(const Model& model);
  void add_token(std::string_view word, const Model& model);
  void join_phrases(const PhraseTable& phrases, const Model& model);

  std::string substituted_;
  std::string lowered_;
  std::vector<char32_t> code_points_;
  std::vector<Token> tokens_;
  std::string phrase_;  // scratch: the phrase being matched
  std::string_view text_;
  bool is_cap_diff_ = false;
};

}  // namespace smlapi::vader
