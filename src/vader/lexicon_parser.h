#pragma once

#include <map>
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

// Parses extension entries, "word<TAB>valence" per line; blank lines and lines starting with
// '#' are ignored. Words must be lowercase without whitespace, since VADER looks up lowercased
// whitespace-free tokens: any other word could never match.
boost::system::result<Lexicon, ModelLoadError> parse_lexicon_overrides(std::string_view text);

// The reference's emoji table: "<one code point><TAB><description>" per line.
boost::system::result<std::map<char32_t, std::string>, ModelLoadError> parse_emoji_file(
    std::string_view text);

}  // namespace smlapi::vader
