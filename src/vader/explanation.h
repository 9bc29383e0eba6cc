// Why a text got its VADER scores: per token, its lexicon valence and every rule that changed
// it, in the order the reference applies them, then the punctuation emphasis and the sum the
// normalisation starts from. Filled by SentimentAnalyzer::explain(); the scoring code records
// into it through a recorder that the plain scoring path compiles away (sentiment_valence.cc).
//
// The identity the explanation keeps (tested on every reference vector): adding the tokens'
// final valences left to right, starting from 0.0, gives `word_sum`; `word_sum` plus
// `punctuation` (when word_sum is not zero) gives `sum`, bit for bit; normalize(sum) is
// `compound_unrounded`, and Python's rounding of that is scores.compound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vader/polarity_scores.h"

namespace smlapi::vader {

// The rules of sentiment_valence() and _but_check(), named for the explanation's JSON.
enum class Rule : std::uint8_t {
  no_next_word,    // the word "no" before a lexicon word scores 0 (the next word is negated)
  negated_by_no,   // "no" one or two words back (or three, with "or"/"nor" between): x -0.74
  all_caps,        // ALL-CAPS word among mixed-case words: +-0.733 away from zero
  booster,         // a booster one to three words back: + scalar (x0.95, x0.9 further back)
  dampener,        // a dampener one to three words back: - scalar (same decay)
  negation,        // a negation word (or "n't") one to three words back: x -0.74
  never_so,        // "never so/this" or "so/this" just before: x 1.25
  without_doubt,   // "without (a) doubt": the negation "without" does not negate (unchanged)
  idiom,           // a special idiom ("the shit", "kiss of death", ...) sets the valence
  phrase_booster,  // "kind of", "sort of", "just enough" before the word: + -0.293
  least,           // "least" just before (not "at least", "very least"): x -0.74
  but,             // the contrastive "but": x0.5 before it, x1.5 after it (possibly repeated)
};
std::string_view to_string(Rule rule) noexcept;

// What a token does on its own, before the rules act on it.
enum class TokenRole : std::uint8_t {
  none,     // not in the lexicon: contributes 0
  lexicon,  // a lexicon word: starts from its valence
  booster,  // a booster or dampener word: contributes 0 itself, modifies the words after it
  kind_of,  // the "kind" of "kind of": contributes 0
};

struct RuleStep {
  Rule rule = Rule::booster;
  std::uint32_t by_first = 0;  // index of the first token that triggered the rule
  std::uint32_t by_count = 0;  // how many tokens from by_first (0: none, e.g. all_caps)
  bool caps = false;           // booster/dampener: its ALL-CAPS increment is included
  double valence = 0;          // the token's valence after this step
};

struct TokenExplanation {
  std::string_view token;  // as split from the text (punctuation stripped), valid as below
  std::string_view emoji;  // the emoji whose description this token comes from, or empty
  TokenRole role = TokenRole::none;
  bool known = false;            // in the lexicon or one of the rules' word lists
  double lexicon = 0;            // the lexicon valence (role lexicon)
  std::uint32_t first_step = 0;  // its steps are steps[first_step, first_step + step_count)
  std::uint32_t step_count = 0;
  bool rescaled_by_but = false;  // the "but" rule changed its valence (applied after the steps)
  std::uint32_t but_index = 0;   // the token index of that "but"
  double valence = 0;  // what the token adds to the sum (after every rule, "but" included)
};

struct Explanation {
  // Views into the analyzer's buffers and the explained text: valid until the analyzer's next
  // call, as long as the text lives.
  std::vector<TokenExplanation> tokens;
  std::vector<RuleStep> steps;
  std::size_t exclamations = 0;   // '!' in the text (the emphasis counts at most 4)
  std::size_t questions = 0;      // '?' in the text
  double word_sum = 0;            // the tokens' valences added left to right
  double punctuation = 0;         // signed amplifier added to word_sum (0 when word_sum is 0)
  double sum = 0;                 // what the normalisation starts from
  double compound_unrounded = 0;  // sum / sqrt(sum^2 + 15), clamped to -1..1
  PolarityScores scores;

  void clear();
  std::size_t known_tokens() const;
};

// Appends the explanation as one JSON object (format: docs/model.md, "Explanations"):
//   {"tokens":[{"token":"good","role":"lexicon","lexicon":1.9,"rules":[...],"valence":..},..],
//    "word_sum":..,"punctuation":{"exclamations":..,"questions":..,"valence":..},"sum":..,
//    "compound_unrounded":..}
void append_json(std::string& out, const Explanation& explanation);

}  // namespace smlapi::vader
