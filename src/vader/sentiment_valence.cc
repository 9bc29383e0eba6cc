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

// Plain scoring: every record call inlines to nothing and `active` removes the bookkeeping
// that only an explanation needs, so the scoring path is the code it was before explanations.
struct NoRecorder {
  static constexpr bool active = false;
  void step(Rule /*rule*/, std::size_t /*by_first*/, std::size_t /*by_count*/, double /*valence*/,
            bool /*caps*/ = false) {}
};

// Explaining: appends each fired rule to explanation.steps.
struct StepRecorder {
  static constexpr bool active = true;
  Explanation& explanation;

  void step(Rule rule, std::size_t by_first, std::size_t by_count, double valence,
            bool caps = false) {
    explanation.steps.push_back(RuleStep{rule, static_cast<std::uint32_t>(by_first),
                                         static_cast<std::uint32_t>(by_count), caps, valence});
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
template <typename Recorder>
double negation_check(double valence, const Context& c, std::size_t start_i, std::size_t i,
                      Recorder& rec) {
  using K = Keyword;
  if (start_i == 0) {
    if (c.words[i - 1].is_negated()) {
      valence = valence * kNegationScalar;
      rec.step(Rule::negation, i - 1, 1, valence);
    }
  } else if (start_i == 1) {
    if (c.kw(i - 2) == K::never && c.kw_in(i - 1, K::so, K::this_)) {
      valence = valence * 1.25;
      rec.step(Rule::never_so, i - 2, 2, valence);
    } else if (c.kw(i - 2) == K::without && c.kw(i - 1) == K::doubt) {
      // "without doubt" keeps the valence
      rec.step(Rule::without_doubt, i - 2, 2, valence);
    } else if (c.words[i - 2].is_negated()) {
      valence = valence * kNegationScalar;
      rec.step(Rule::negation, i - 2, 1, valence);
    }
  } else {
    const bool never_so = c.kw(i - 3) == K::never && c.kw_in(i - 2, K::so, K::this_);
    if (never_so || c.kw_in(i - 1, K::so, K::this_)) {
      valence = valence * 1.25;
      if constexpr (Recorder::active) {
        if (never_so) {
          rec.step(Rule::never_so, i - 3, 2, valence);
        } else {
          rec.step(Rule::never_so, i - 1, 1, valence);
        }
      }
    } else if (c.kw(i - 3) == K::without && (c.kw(i - 2) == K::doubt || c.kw(i - 1) == K::doubt)) {
      // "without (a) doubt" keeps the valence
      rec.step(Rule::without_doubt, i - 3, c.kw(i - 2) == K::doubt ? 2 : 3, valence);
    } else if (c.words[i - 3].is_negated()) {
      valence = valence * kNegationScalar;
      rec.step(Rule::negation, i - 3, 1, valence);
    }
  }
  return valence;
}

// _special_idioms_check(); only reached with i >= 3. The keywords are read once, as before
// explanations; the matched sequence's position is only kept for a recorder.
template <typename Recorder>
double special_idioms_check(double valence, const Context& c, std::size_t i, Recorder& rec) {
  const Keyword k3 = c.kw(i - 3);
  const Keyword k2 = c.kw(i - 2);
  const Keyword k1 = c.kw(i - 1);
  const Keyword k0 = c.kw(i);
  // sequences = [onezero, twoonezero, twoone, threetwoone, threetwo]; the first match wins.
  std::size_t first = i - 1;
  std::size_t count = 2;
  std::optional<double> match = rules::special_case(k1, k0);
  if (!match) {
    match = rules::special_case(k2, k1, k0);
    first = i - 2;
    count = 3;
  }
  if (!match) {
    match = rules::special_case(k2, k1);
    count = 2;
  }
  if (!match) {
    match = rules::special_case(k3, k2, k1);
    first = i - 3;
    count = 3;
  }
  if (!match) {
    match = rules::special_case(k3, k2);
    count = 2;
  }
  if (match) {
    valence = *match;
    rec.step(Rule::idiom, first, count, valence);
  }
  const std::size_t n = c.words.size();
  if (n - 1 > i) {
    if (auto zero_one = rules::special_case(k0, c.kw(i + 1))) {
      valence = *zero_one;
      rec.step(Rule::idiom, i, 2, valence);
    }
  }
  if (n - 1 > i + 1) {
    if (auto zero_one_two = rules::special_case(k0, c.kw(i + 1), c.kw(i + 2))) {
      valence = *zero_one_two;
      rec.step(Rule::idiom, i, 3, valence);
    }
  }
  // n_grams = [threetwoone, threetwo, twoone]: only two-word boosters exist, so the
  // three-word sequence never matches.
  if (auto booster = rules::booster_bigram(k3, k2)) {
    valence = valence + *booster;
    rec.step(Rule::phrase_booster, i - 3, 2, valence);
  }
  if (auto booster = rules::booster_bigram(k2, k1)) {
    valence = valence + *booster;
    rec.step(Rule::phrase_booster, i - 2, 2, valence);
  }
  return valence;
}

// _least_check()
template <typename Recorder>
double least_check(double valence, const Context& c, std::size_t i, Recorder& rec) {
  if (i > 1 && !c.words[i - 1].in_lexicon() && c.kw(i - 1) == Keyword::least) {
    if (c.kw(i - 2) != Keyword::at && c.kw(i - 2) != Keyword::very) {
      valence = valence * kNegationScalar;
      rec.step(Rule::least, i - 1, 1, valence);
    }
  } else if (i > 0 && !c.words[i - 1].in_lexicon() && c.kw(i - 1) == Keyword::least) {
    valence = valence * kNegationScalar;
    rec.step(Rule::least, i - 1, 1, valence);
  }
  return valence;
}

// "no" as a negation of a nearby lexicon word.
bool negated_by_no(const Context& c, std::size_t i) {
  return (i > 0 && c.kw(i - 1) == Keyword::no) || (i > 1 && c.kw(i - 2) == Keyword::no) ||
         (i > 2 && c.kw(i - 3) == Keyword::no && c.kw_in(i - 1, Keyword::or_, Keyword::nor));
}

// Which "no" negated_by_no() found (for the explanation only).
std::size_t negating_no(const Context& c, std::size_t i) {
  if (i > 0 && c.kw(i - 1) == Keyword::no) return i - 1;
  if (i > 1 && c.kw(i - 2) == Keyword::no) return i - 2;
  return i - 3;
}

// sentiment_valence() for a word found in the lexicon.
template <typename Recorder>
double lexicon_word_valence(const Context& c, std::size_t i, Recorder& rec) {
  const Token& item = c.words[i];
  const double lexicon_valence = item.info->valence;
  double valence = lexicon_valence;
  if (item.keyword() == Keyword::no && i != c.words.size() - 1 && c.words[i + 1].in_lexicon()) {
    valence = 0.0;  // "no" negates the next word instead of counting itself
    rec.step(Rule::no_next_word, i + 1, 1, valence);
  }
  if (negated_by_no(c, i)) {
    valence = lexicon_valence * kNegationScalar;
    if constexpr (Recorder::active) rec.step(Rule::negated_by_no, negating_no(c, i), 1, valence);
  }
  if (item.is_upper && c.is_cap_diff) {
    if (valence > 0) {
      valence += kAllCapsIncrement;
    } else {
      valence -= kAllCapsIncrement;
    }
    rec.step(Rule::all_caps, i, 0, valence);
  }
  for (std::size_t start_i = 0; start_i < 3; ++start_i) {
    if (i > start_i && !c.words[i - (start_i + 1)].in_lexicon()) {
      const Token& word = c.words[i - (start_i + 1)];
      double s = scalar_inc_dec(word, valence, c.is_cap_diff);
      if (start_i == 1 && s != 0) s = s * 0.95;
      if (start_i == 2 && s != 0) s = s * 0.9;
      valence = valence + s;
      if constexpr (Recorder::active) {
        if (s != 0) {
          rec.step(word.info->booster > 0 ? Rule::booster : Rule::dampener, i - (start_i + 1), 1,
                   valence, word.is_upper && c.is_cap_diff);
        }
      }
      valence = negation_check(valence, c, start_i, i, rec);
      if (start_i == 2) valence = special_idioms_check(valence, c, i, rec);
    }
  }
  return least_check(valence, c, i, rec);
}

TokenRole role_of(const Context& c, std::size_t i) {
  const Token& item = c.words[i];
  if (item.is_booster()) return TokenRole::booster;
  if (i + 1 < c.words.size() && item.keyword() == Keyword::kind && c.kw(i + 1) == Keyword::of) {
    return TokenRole::kind_of;
  }
  return item.in_lexicon() ? TokenRole::lexicon : TokenRole::none;
}

template <typename Recorder>
void compute(const SentiText& text, std::vector<double>& sentiments, Recorder& rec) {
  const Context c{text.tokens(), text.is_cap_diff()};
  const std::size_t n = c.words.size();
  sentiments.assign(n, 0.0);  // a booster, "kind of" and a word in no lexicon count 0
  for (std::size_t i = 0; i < n; ++i) {
    const Token& item = c.words[i];
    const std::size_t first_step = [&] {
      if constexpr (Recorder::active) return rec.explanation.steps.size();
      return std::size_t{0};
    }();
    const bool kind_of = i < n - 1 && item.keyword() == Keyword::kind && c.kw(i + 1) == Keyword::of;
    if (!item.is_booster() && !kind_of && item.in_lexicon()) {
      sentiments[i] = lexicon_word_valence(c, i, rec);
    }
    if constexpr (Recorder::active) {
      TokenExplanation& token = rec.explanation.tokens.emplace_back();
      token.token = item.word;
      token.role = role_of(c, i);
      token.known = item.info != nullptr || item.contains_nt;
      token.lexicon = item.in_lexicon() ? item.info->valence : 0.0;
      token.first_step = static_cast<std::uint32_t>(first_step);
      token.step_count = static_cast<std::uint32_t>(rec.explanation.steps.size() - first_step);
      token.valence = sentiments[i];
    }
  }
}

}  // namespace

void compute_sentiments(const SentiText& text, std::vector<double>& sentiments) {
  NoRecorder none;
  compute(text, sentiments, none);
}

void compute_sentiments(const SentiText& text, std::vector<double>& sentiments,
                        Explanation& explanation) {
  explanation.tokens.clear();
  explanation.steps.clear();
  StepRecorder recorder{explanation};
  compute(text, sentiments, recorder);
}

}  // namespace smlapi::vader
