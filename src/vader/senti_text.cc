#include "vader/senti_text.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "vader/ascii_class.h"
#include "vader/unicode_text.h"
#include "vader/utf8.h"

namespace smlapi::vader {
namespace {

bool is_punctuation(char c) { return (ascii::class_of(c) & ascii::kPunctuation) != 0; }

// len(token) <= 2 in code points; only tokens of 3 to 8 bytes need counting (a code point is
// one to four bytes).
bool at_most_two_code_points(std::string_view token) {
  if (token.size() <= 2) return true;
  if (token.size() > 8) return false;
  if (static_cast<unsigned char>(token[0]) < 0x80 && static_cast<unsigned char>(token[1]) < 0x80) {
    return false;  // two one-byte code points and at least one more
  }
  return utf8::code_point_count(token) <= 2;
}

// _strip_punc_if_word: strip ASCII punctuation at both ends, unless that leaves two or fewer
// characters (then the token is probably an emoticon and stays whole).
std::string_view strip_punctuation_if_word(std::string_view token) {
  std::size_t begin = 0;
  std::size_t end = token.size();
  while (begin < end && is_punctuation(token[begin])) ++begin;
  while (end > begin && is_punctuation(token[end - 1])) --end;
  const std::string_view stripped = token.substr(begin, end - begin);
  return at_most_two_code_points(stripped) ? token : stripped;
}

// Bytes of `word` below 0x21 or above 0x7F get their high bit set: the only bytes that can be
// (or start) whitespace. Exact for the lowest flagged byte, which is all the scan uses.
std::uint64_t maybe_space_bytes(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  return ((word - kOnes * 0x21) | word) & kHigh;
}

// The end of the word starting at text[pos]: the next Python whitespace character or the end.
// ASCII letters and punctuation are passed eight bytes at a time.
std::size_t word_end(std::string_view text, std::size_t pos) {
  static_assert(std::endian::native == std::endian::little, "byte i is bits 8i..8i+7");
  while (pos < text.size()) {
    if (text.size() - pos >= 8) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + pos, sizeof word);
      const std::uint64_t flagged = maybe_space_bytes(word);
      if (flagged == 0) {
        pos += 8;
        continue;
      }
      pos += static_cast<std::size_t>(std::countr_zero(flagged)) / 8;
    }
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte < 0x80) {
      if ((ascii::class_of(text[pos]) & ascii::kSpace) != 0) return pos;
      ++pos;
      continue;
    }
    if (unicode::whitespace_length_at(text, pos) != 0) return pos;
    pos += byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
  }
  return pos;
}

// "n't" anywhere in the word. Most words have no apostrophe: one search for that rare byte
// first, where searching for "n't" stopped at every 'n'.
bool contains_nt(std::string_view lowered) {
  const std::size_t apostrophe = lowered.find('\'');
  if (apostrophe == std::string_view::npos) return false;
  return lowered.find("n't", apostrophe == 0 ? 0 : apostrophe - 1) != std::string_view::npos;
}

}  // namespace

bool SentiText::build(std::string_view text, const Model& model) {
  const utf8::Encoding encoding = utf8::classify(text);
  if (encoding == utf8::Encoding::invalid) return false;
  const EmojiTable& emoji = model.emoji();
  if ((encoding == utf8::Encoding::unicode || emoji.has_ascii_entries()) &&
      substitute_emoji(text, emoji)) {
    text = substituted_;
  }
  text_ = unicode::strip_whitespace(text);
  split_words(model);
  return true;
}

// polarity_scores(): each emoji code point becomes its description, preceded by a space
// unless the previous character was a plain space. Returns false, leaving substituted_ alone,
// when the text holds no emoji: most texts are scored as they came, with no copy. ASCII runs
// are skipped eight bytes at a time when no emoji is ASCII (the builtin table).
bool SentiText::substitute_emoji(std::string_view text, const EmojiTable& emoji) {
  const bool skip_ascii = !emoji.has_ascii_entries();
  std::size_t copied = 0;     // text before this is in substituted_
  std::size_t emoji_end = 0;  // where the last emoji ended (0: none yet)
  bool substituted = false;
  for (std::size_t pos = 0; pos < text.size();) {
    if (skip_ascii) {
      pos = utf8::skip_ascii(text, pos);
      if (pos == text.size()) break;
    }
    const std::size_t start = pos;
    const char32_t cp = utf8::decode_next(text, pos);
    const std::string_view description = emoji.description(cp);
    if (description.empty()) continue;
    if (!substituted) {
      substituted_.clear();
      substituted = true;
    }
    substituted_.append(text, copied, start - copied);
    const bool previous_is_space = start == 0 || (start != emoji_end && text[start - 1] == ' ');
    if (!previous_is_space) substituted_ += ' ';
    substituted_ += description;
    copied = pos;
    emoji_end = pos;
  }
  if (substituted) substituted_.append(text, copied, text.size() - copied);
  return substituted;
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
    pos = word_end(text, pos);
    add_token(strip_punctuation_if_word(text.substr(start, pos - start)), model);
  }
  if (!model.phrases().empty()) join_phrases(model.phrases(), model);
  std::size_t all_caps = 0;
  for (const Token& token : tokens_) all_caps += token.is_upper;
  const std::size_t differential = tokens_.size() - all_caps;
  is_cap_diff_ = differential > 0 && differential < tokens_.size();
}

void SentiText::add_token(std::string_view word, const Model& model) {
  // Filled where it lives: a Token built on the stack and copied in was stored in pieces and
  // read back whole, a store-forwarding stall per token.
  Token& token = tokens_.emplace_back();
  token.word = word;
  const unicode::AsciiCase letters = unicode::ascii_case(word);
  if (letters.ascii && !letters.has_upper) {
    token.lower_offset = Token::kLowerIsWord;  // nothing to copy
    token.is_upper = false;
  } else {
    token.lower_offset = lowered_.size();
    token.is_upper = unicode::append_lower(word, lowered_, code_points_);
    token.lower_length = lowered_.size() - token.lower_offset;
  }
  const std::string_view lowered = lower(token);
  token.set_info(model.find_word(lowered));
  token.contains_nt = contains_nt(lowered);
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
    joined.set_info(model.find_word(phrase_));
    joined.contains_nt = contains_nt(phrase_);
    tokens_[kept++] = joined;
    next += matched;
  }
  tokens_.resize(kept);
}

}  // namespace smlapi::vader
