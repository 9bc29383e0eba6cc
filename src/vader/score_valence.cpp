#include "vader/score_valence.h"

#include <algorithm>
#include <cmath>

#include "vader/python_round.h"
#include "vader/vader_rules.h"

namespace smlapi::vader {
namespace {

constexpr PythonSum kReferenceSum = PythonSum::naive;

// _punctuation_emphasis(): up to four '!' and 2-3 (or more, capped) '?'.
double punctuation_emphasis(std::string_view text) {
  const auto exclamations = std::min<std::ptrdiff_t>(std::count(text.begin(), text.end(), '!'), 4);
  const auto questions = std::count(text.begin(), text.end(), '?');
  const double ep_amplifier = static_cast<double>(exclamations) * 0.292;
  double qm_amplifier = 0;
  if (questions > 1) {
    qm_amplifier = questions <= 3 ? static_cast<double>(questions) * 0.18 : 0.96;
  }
  return ep_amplifier + qm_amplifier;
}

double normalize(double score) {
  const double norm_score = score / std::sqrt((score * score) + rules::kNormalizeAlpha);
  return std::clamp(norm_score, -1.0, 1.0);
}

}  // namespace

double python_sum(std::span<const double> values, PythonSum kind) {
  double total = 0.0;
  double compensation = 0.0;
  for (const double x : values) {
    const double t = total + x;
    if (kind == PythonSum::neumaier) {
      compensation += std::fabs(total) >= std::fabs(x) ? (total - t) + x : (x - t) + total;
    }
    total = t;
  }
  if (compensation != 0.0 && std::isfinite(compensation)) total += compensation;
  return total;
}

PolarityScores score_valence(std::span<const double> sentiments, std::string_view text) {
  if (sentiments.empty()) return {};
  double sum_s = python_sum(sentiments, kReferenceSum);
  const double punct_emph_amplifier = punctuation_emphasis(text);
  if (sum_s > 0) {
    sum_s += punct_emph_amplifier;
  } else if (sum_s < 0) {
    sum_s -= punct_emph_amplifier;
  }
  const double compound = normalize(sum_s);

  // _sift_sentiment_scores()
  double pos_sum = 0.0;
  double neg_sum = 0.0;
  std::size_t neu_count = 0;
  for (const double sentiment_score : sentiments) {
    if (sentiment_score > 0) pos_sum += sentiment_score + 1;
    if (sentiment_score < 0) neg_sum += sentiment_score - 1;
    if (sentiment_score == 0) neu_count += 1;
  }
  if (pos_sum > std::fabs(neg_sum)) {
    pos_sum += punct_emph_amplifier;
  } else if (pos_sum < std::fabs(neg_sum)) {
    neg_sum -= punct_emph_amplifier;
  }
  const double neutral = static_cast<double>(neu_count);
  const double total = pos_sum + std::fabs(neg_sum) + neutral;
  return PolarityScores{
      .neg = python_round(std::fabs(neg_sum / total), 3),
      .neu = python_round(std::fabs(neutral / total), 3),
      .pos = python_round(std::fabs(pos_sum / total), 3),
      .compound = python_round(compound, 4),
  };
}

}  // namespace smlapi::vader
