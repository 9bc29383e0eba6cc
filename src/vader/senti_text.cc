#include "vader/senti_text.h"

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

}  // namespace smlapi::vader
