#include "vader/score_valence.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "vader/python_round.h"
#include "vader/vader_rules.h"

namespace smlapi::vader {
namespace {

constexpr PythonSum kReferenceSum = PythonSum::naive;

// Zero bytes of `word`, exactly (no false positives from borrows between bytes).
int zero_bytes(std::uint64_t word) {
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  const std::uint64_t nonzero_high = ((word & kLow7) + kLow7) | word;
  // One bit per zero byte, at the byte's bottom; the multiply sums them into the top byte
  // (std::popcount is a library call on baseline x86-64).
  const std::uint64_t zero_flags = (~(nonzero_high | kLow7)) >> 7;
  return static_cast<int>((zero_flags * kOnes) >> 56);
}

struct Marks {
  std::ptrdiff_t exclamations = 0;
  std::ptrdiff_t questions = 0;
};

// '!' and '?' in one pass, eight bytes at a time: the whole text is scanned for
// every score, and two byte-by-byte std::count passes cost as much as scoring
// the words of a short text.
Marks count_marks(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  Marks marks;
  const char* bytes = text.data();
  std::size_t left = text.size();
  for (; left >= 8; left -= 8, bytes += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes, sizeof word);
    marks.exclamations += zero_bytes(word ^ (kOnes * '!'));
    marks.questions += zero_bytes(word ^ (kOnes * '?'));
  }
  for (; left > 0; --left, ++bytes) {
    marks.exclamations += *bytes == '!';
    marks.questions += *bytes == '?';
  }
  return marks;
}

// _punctuation_emphasis(): up to four '!' and 2-3 (or more, capped) '?'.
double punctuation_emphasis(const Marks& marks) {
  const auto exclamations = std::min<std::ptrdiff_t>(marks.exclamations, 4);
  const auto questions = marks.questions;
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

PolarityScores score_valence(std::span<const double> sentiments, std::string_view text,
                             Explanation* explanation) {
  if (sentiments.empty()) return {};
  const double word_sum = python_sum(sentiments, kReferenceSum);
  double sum_s = word_sum;
  const Marks marks = count_marks(text);
  const double punct_emph_amplifier = punctuation_emphasis(marks);
  if (sum_s > 0) {
    sum_s += punct_emph_amplifier;
  } else if (sum_s < 0) {
    sum_s -= punct_emph_amplifier;
  }
  const double compound = normalize(sum_s);
  if (explanation != nullptr) {
    explanation->exclamations = static_cast<std::size_t>(marks.exclamations);
    explanation->questions = static_cast<std::size_t>(marks.questions);
    explanation->word_sum = word_sum;
    explanation->punctuation = word_sum > 0   ? punct_emph_amplifier
                               : word_sum < 0 ? -punct_emph_amplifier
                                              : 0.0;
    explanation->sum = sum_s;
    explanation->compound_unrounded = compound;
  }

  // _sift_sentiment_scores()
  double pos_sum = 0.0;
  double neg_sum = 0.0;
  std::size_t neu_count = 0;
  // Without branches (a word's sign is not predictable): multiplying by 1.0 is exact, and
  // adding the 0.0 or -0.0 that multiplying by 0.0 gives leaves either sum as it was.
  for (const double sentiment_score : sentiments) {
    pos_sum += static_cast<double>(sentiment_score > 0) * (sentiment_score + 1);
    neg_sum += static_cast<double>(sentiment_score < 0) * (sentiment_score - 1);
    neu_count += sentiment_score == 0 ? 1 : 0;
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
