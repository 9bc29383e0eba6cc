#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "vader/model_load_error.h"

namespace smlapi::vader {

// Word -> valence, ordered so the model's content hash does not depend on input order.
using Lexicon = std::map<std::string, double, std::less<>>;

// The largest |valence| accepted from a file: VADER rates words on a -4..+4 scale.
inline constexpr double kMaxAbsValence = 4.0;

// Parses a complete lexicon in the reference's vader_lexicon.txt format exactly as
// make_lex_dict() does (per line: strip, split on TAB, word and valence are the first two
// fields, later duplicates win, empty lines skipped), but reports bad lines instead of raising.
boost::system::result<Lexicon, ModelLoadError> parse_lexicon_file(std::string_view text);

// Bounds of a change file (--lexicon-overrides): it is re-read while serving, so a runaway
// file must be refused rather than held in memory.
inline constexpr std::size_t kMaxChangeFileBytes = 8 * 1024 * 1024;
inline constexpr std::size_t kMaxChangeEntries = 200'000;
inline constexpr std::size_t kMaxEntryBytes = 256;  // a word or a whole phrase, in UTF-8
inline constexpr std::size_t kMaxPhraseWords = 5;

// What a change file does to a lexicon. Later lines win over earlier ones for the same entry.
struct LexiconChanges {
  // Word -> new valence, or nullopt: remove the word from the lexicon.
  std::map<std::string, std::optional<double>, std::less<>> words;
  // Phrase (2..kMaxPhraseWords words joined by one space) -> valence.
  Lexicon phrases;
};

// Parses a change file: vader_lexicon.txt lines ("entry<TAB>valence", further TAB-separated
// columns ignored), where the valence "-" removes a word, and an entry with whitespace is a
// phrase (its words separated by any run of whitespace). Blank lines and lines starting with
// '#' are ignored. Entries must be lowercase, since VADER looks tokens up lowercased: any other
// entry could never match. Errors name the 1-based line.
boost::system::result<LexiconChanges, ModelLoadError> parse_lexicon_overrides(
    std::string_view text);

// The reference's emoji table: "<one code point><TAB><description>" per line.
boost::system::result<std::map<char32_t, std::string>, ModelLoadError> parse_emoji_file(
    std::string_view text);

}  // namespace smlapi::vader
