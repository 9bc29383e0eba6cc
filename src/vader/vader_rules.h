#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "vader/word_info.h"

// The constants and word lists of vaderSentiment 3.3.2, with the reference's names.
namespace smlapi::vader::rules {

inline constexpr double kBoosterIncrement = 0.293;   // B_INCR
inline constexpr double kBoosterDecrement = -0.293;  // B_DECR
inline constexpr double kAllCapsIncrement = 0.733;   // C_INCR
inline constexpr double kNegationScalar = -0.74;     // N_SCALAR
inline constexpr double kNormalizeAlpha = 15;        // normalize(alpha=15)

struct BoosterWord {
  std::string_view word;
  double scalar;
};
struct KeywordName {
  std::string_view word;
  Keyword keyword;
};

// Single-word entries of BOOSTER_DICT (the multi-word ones are matched by booster_bigram()).
std::span<const BoosterWord> single_word_boosters();
// NEGATE.
std::span<const std::string_view> negation_words();
// Words the rules refer to by name.
std::span<const KeywordName> keyword_names();

// SPECIAL_CASES for a two- or three-word sequence, if it is one.
std::optional<double> special_case(Keyword first, Keyword second);
std::optional<double> special_case(Keyword first, Keyword second, Keyword third);
// BOOSTER_DICT entries made of two words ("kind of", "sort of", "just enough").
std::optional<double> booster_bigram(Keyword first, Keyword second);

}  // namespace smlapi::vader::rules
