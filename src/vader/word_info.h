#pragma once

#include <cstdint>

namespace smlapi::vader {

// Lowercased words the reference rules compare against by name (negation, "least", idioms,
// "kind of", "but", ...). One table lookup per token yields its keyword, so the rules compare
// small integers instead of strings.
enum class Keyword : std::uint8_t {
  none,
  no,
  kind,
  of,
  least,
  at,
  very,
  never,
  so,
  this_,
  without,
  doubt,
  but,
  or_,
  nor,
  the,
  shit,
  bomb,
  bad,
  ass,
  bus,
  stop,
  yeah,
  right,
  kiss,
  death,
  to,
  die,
  for_,
  beating,
  heart,
  broken,
  just,
  enough,
  sort,
};

// Everything the rules need to know about one lowercased word.
struct WordInfo {
  double valence = 0;  // lexicon valence; meaningful when in_lexicon
  double booster = 0;  // BOOSTER_DICT scalar; meaningful when is_booster
  bool in_lexicon = false;
  bool is_booster = false;
  bool is_negation = false;  // listed in NEGATE ("n't" inside a word is checked separately)
  Keyword keyword = Keyword::none;
};

}  // namespace smlapi::vader
