#include "vader/sentiment_valence.h"

#include <span>

#include "vader/vader_rules.h"

namespace smlapi::vader {
namespace {

using rules::kAllCapsIncrement;
using rules::kNegationScalar;

// Rule context for the token at index i, named after the reference's variables.
struct Context {
  std::span<const Token> words;
  bool is_cap_diff;

  Keyword kw(std::size_t index) const { return words[index].keyword(); }
  bool kw_in(std::size_t index, Keyword a, Keyword b) const {
    return kw(index) == a || kw(index) == b;
  }
};

// scalar_inc_dec(): the booster/dampener contribution of a preceding word.
double scalar_inc_dec(const Token& word, double valence, bool is_cap_diff) {
  double scalar = 0.0;
  if (word.is_booster()) {
    scalar = word.info->booster;
    if (valence < 0) scalar *= -1;
    if (word.is_upper && is_cap_diff) {
      if (valence > 0) {
        scalar += kAllCapsIncrement;
      } else {
        scalar -= kAllCapsIncrement;
      }
    }
  }
  return scalar;
}

// _negation_check(), including the reference's operator precedence at start_i == 2:
// (never AND (so|this) two back) OR (so|this) one back.
double negation_check(double valence, const Context& c, std::size_t start_i, std::size_t i) {
  using K = Keyword;
  if (start_i == 0) {
    if (c.words[i - 1].is_negated()) valence = valence * kNegationScalar;
  } else if (start_i == 1) {
    if (c.kw(i - 2) == K::never && c.kw_in(i - 1, K::so, K::this_)) {
      valence = valence * 1.25;
    } else if (c.kw(i - 2) == K::without && c.kw(i - 1) == K::doubt) {
      // "without doubt" keeps the valence
    } else if (c.words[i - 2].is_negated()) {
      valence = valence * kNegationScalar;
    }
  } else {
    if ((c.kw(i - 3) == K::never && c.kw_in(i - 2, K::so, K::this_)) ||
        c.kw_in(i - 1, K::so, K::this_)) {
      valence = valence * 1.25;
    } else if (c.kw(i - 3) == K::without && (c.kw(i - 2) == K::doubt || c.kw(i - 1) == K::doubt)) {
      // "without (a) doubt" keeps the valence
    } else if (c.words[i - 3].is_negated()) {
      valence = valence * kNegationScalar;
    }
  }
  return valence;
}

// _special_idioms_check(); only reached with i >= 3.
double special_idioms_check(double valence, const Context& c, std::size_t i) {
  const Keyword k3 = c.kw(i - 3);
  const Keyword k2 = c.kw(i - 2);
  const Keyword k1 = c.kw(i - 1);
  const Keyword k0 = c.kw(i);
  // sequences = [onezero, twoonezero, twoone, threetwoone, threetwo]; the first match wins.
  std::optional<double> match = rules::special_case(k1, k0);
  if (!match) match = rules::special_case(k2, k1, k0);
  if (!match) match = rules::special_case(k2, k1);
  if (!match) match = rules::special_case(k3, k2, k1);
  if (!match) match = rules::special_case(k3, k2);
  if (match) valence = *match;
  const std::size_t n = c.words.size();
  if (n - 1 > i) {
    if (auto zero_one = rules::special_case(k0, c.kw(i + 1))) valence = *zero_one;
  }
  if (n - 1 > i + 1) {
    if (auto zero_one_two = rules::special_case(k0, c.kw(i + 1), c.kw(i + 2))) {
      valence = *zero_one_two;
    }
  }
  // n_grams = [threetwoone, threetwo, twoone]: only two-word boosters exist, so the
  // three-word sequence never matches.
  if (auto booster = rules::booster_bigram(k3, k2)) valence = valence + *booster;
  if (auto booster = rules::booster_bigram(k2, k1)) valence = valence + *booster;
  return valence;
}

// _least_check()
double least_check(double valence, const Context& c, std::size_t i) {
  if (i > 1 && !c.words[i - 1].in_lexicon() && c.kw(i - 1) == Keyword::least) {
    if (c.kw(i - 2) != Keyword::at && c.kw(i - 2) != Keyword::very) {
      valence = valence * kNegationScalar;
    }
  } else if (i > 0 && !c.words[i - 1].in_lexicon() && c.kw(i - 1) == Keyword::least) {
    valence = valence * kNegationScalar;
  }
  return valence;
}

// "no" as a negation of a nearby lexicon word.
bool negated_by_no(const Context& c, std::size_t i) {
  return (i > 0 && c.kw(i - 1) == Keyword::no) || (i > 1 && c.kw(i - 2) == Keyword::no) ||
         (i > 2 && c.kw(i - 3) == Keyword::no && c.kw_in(i - 1, Keyword::or_, Keyword::nor));
}

// sentiment_valence() for a word found in the lexicon.
double lexicon_word_valence(const Context& c, std::size_t i) {
  const Token& item = c.words[i];
  const double lexicon_valence = item.info->valence;
  double valence = lexicon_valence;
  if (item.keyword() == Keyword::no && i != c.words.size() - 1 && c.words[i + 1].in_lexicon()) {
    valence = 0.0;  // "no" negates the next word instead of counting itself
  }
  if (negated_by_no(c, i)) valence = lexicon_valence * kNegationScalar;
  if (item.is_upper && c.is_cap_diff) {
    if (valence > 0) {
      valence += kAllCapsIncrement;
    } else {
      valence -= kAllCapsIncrement;
    }
  }
  for (std::size_t start_i = 0; start_i < 3; ++start_i) {
    if (i > start_i && !c.words[i - (start_i + 1)].in_lexicon()) {
      double s = scalar_inc_dec(c.words[i - (start_i + 1)], valence, c.is_cap_diff);
      if (start_i == 1 && s != 0) s = s * 0.95;
      if (start_i == 2 && s != 0) s = s * 0.9;
      valence = valence + s;
      valence = negation_check(valence, c, start_i, i);
      if (start_i == 2) valence = special_idioms_check(valence, c, i);
    }
  }
  return least_check(valence, c, i);
}

}  // namespace

void compute_sentiments(const SentiText& text, std::vector<double>& sentiments) {
  const Context c{text.tokens(), text.is_cap_diff()};
  const std::size_t n = c.words.size();
  sentiments.clear();
  for (std::size_t i = 0; i < n; ++i) {
    const Token& item = c.words[i];
    if (item.is_booster()) {
      sentiments.push_back(0);
    } else if (i < n - 1 && item.keyword() == Keyword::kind && c.kw(i + 1) == Keyword::of) {
      sentiments.push_back(0);
    } else if (item.in_lexicon()) {
      sentiments.push_back(lexicon_word_valence(c, i));
    } else {
      sentiments.push_back(0);
    }
  }
}

}  // namespace smlapi::vader
