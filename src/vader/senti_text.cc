#include "vader/senti_text.h"

#include <algorithm>
#include <array>

#include "vader/unicode_text.h"
#include "vader/utf8.h"

namespace smlapi::vader {
namespace {

// string.punctuation
bool is_ascii_punctuation(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

// _strip_punc_if_word: strip ASCII punctuation at both ends, unless that leaves two or fewer
// characters (then the token is probably an emoticon and stays whole).
std::string_view strip_punctuation_if_word(std::string_view token) {
  std::size_t begin = 0;
  std::size_t end = token.size();
  while (begin < end && is_ascii_punctuation(token[begin])) ++begin;
  while (end > begin && is_ascii_punctuation(token[end - 1])) --end;
  const std::string_view stripped = token.substr(begin, end - begin);
  return utf8::code_point_count(stripped) <= 2 ? token : stripped;
}

bool is_ascii_whitespace(unsigned char byte) {
  return (byte >= 0x09 && byte <= 0x0D) || (byte >= 0x1C && byte <= 0x20);
}

bool contains_nt(std::string_view lowered) { return lowered.find("n't") != std::string_view::npos; }

}  // namespace

bool SentiText::build(std::string_view text, const Model& model) {
  const utf8::Encoding encoding = utf8::classify(text);
  if (encoding == utf8::Encoding::invalid) return false;
  const EmojiTable& emoji = model.emoji();
  if (encoding == utf8::Encoding::unicode || emoji.has_ascii_entries()) {
    substitute_emoji(text, emoji);
    text = substituted_;
  }
  text_ = unicode::strip_whitespace(text);
  split_words(model);
  return true;
}

// polarity_scores(): each emoji code point becomes its description, preceded by a space
// unless the previous character was a plain space.
void SentiText::substitute_emoji(std::string_view text, const EmojiTable& emoji) {
  substituted_.clear();
  bool previous_is_space = true;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t start = pos;
    const char32_t cp = utf8::decode_next(text, pos);
    const std::string_view description = emoji.description(cp);
    if (!description.empty()) {
      if (!previous_is_space) substituted_ += ' ';
      substituted_ += description;
      previous_is_space = false;
    } else {
      substituted_.append(text, start, pos - start);
      previous_is_space = cp == ' ';
    }
  }
}

void SentiText::split_words(const Model& model) {
  tokens_.clear();
  lowered_.clear();
  const std::string_view text = text_;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t space = unicode::whitespace_length_at(text, pos);
    if (space != 0) {
      pos += space;
      continue;
    }
    const std::size_t start = pos;
    while (pos < text.size()) {
      const auto byte = static_cast<unsigned char>(text[pos]);
      if (byte < 0x80) {
        if (is_ascii_whitespace(byte)) break;
        ++pos;
        continue;
      }
      if (unicode::whitespace_length_at(text, pos) != 0) break;
      pos += byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    }
    add_token(strip_punctuation_if_word(text.substr(start, pos - start)), model);
  }
  if (!model.phrases().empty()) join_phrases(model.phrases(), model);
  std::size_t all_caps = 0;
  for (const Token& token : tokens_) all_caps += token.is_upper;
  const std::size_t differential = tokens_.size() - all_caps;
  is_cap_diff_ = differential > 0 && differential < tokens_.size();
}

void SentiText::add_token(std::string_view word, const Model& model) {
  Token token;
  token.word = word;
  token.lower_offset = lowered_.size();
  token.is_upper = unicode::append_lower(word, lowered_, code_points_);
  token.lower_length = lowered_.size() - token.lower_offset;
  const std::string_view lowered = lower(token);
  token.info = model.find_word(lowered);
  token.contains_nt = contains_nt(lowered);
  tokens_.push_back(token);
}

// A phrase's tokens become one token whose text spans them (with the whitespace between, as
// written) and whose lowercase form is the phrase itself, so its lexicon entry is found and
// the rules treat it as one word: "not customer service" negates the phrase. It is ALL CAPS
// when every word of it is.
void SentiText::join_phrases(const PhraseTable& phrases, const Model& model) {
  std::array<std::string_view, kMaxPhraseWords> window;
  std::size_t kept = 0;
  for (std::size_t next = 0; next < tokens_.size();) {
    const std::size_t count = std::min({phrases.max_words(), window.size(), tokens_.size() - next});
    for (std::size_t i = 0; i < count; ++i) window[i] = lower(tokens_[next + i]);
    const std::size_t matched = phrases.longest_match({window.data(), count}, phrase_);
    if (matched == 0) {
      tokens_[kept++] = tokens_[next++];
      continue;
    }
    const Token& first = tokens_[next];
    const Token& last = tokens_[next + matched - 1];
    Token joined;
    joined.word = std::string_view(
        first.word.data(),
        static_cast<std::size_t>(last.word.data() + last.word.size() - first.word.data()));
    joined.is_upper = true;
    for (std::size_t i = next; i < next + matched; ++i) joined.is_upper &= tokens_[i].is_upper;
    joined.lower_offset = lowered_.size();
    lowered_.append(phrase_);  // after the window is used: appending may move lowered_
    joined.lower_length = phrase_.size();
    joined.info = model.find_word(phrase_);
    joined.contains_nt = contains_nt(phrase_);
    tokens_[kept++] = joined;
    next += matched;
  }
  tokens_.resize(kept);
}

}  // namespace smlapi::vader
