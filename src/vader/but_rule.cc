#include "vader/but_rule.h"

#include <bit>

namespace smlapi::vader {
namespace {

// Below this length rescanning is cheaper than building the index.
constexpr std::size_t kRescanLimit = 48;

double rescaled(double value, std::size_t position, std::size_t but_index) {
  if (position < but_index) return value * 0.5;
  if (position > but_index) return value * 1.5;
  return value;
}

}  // namespace

void ButRule::apply(std::span<double> sentiments, std::size_t but_index) {
  if (sentiments.size() <= kRescanLimit) {
    apply_by_rescanning(sentiments, but_index);
  } else {
    apply_indexed(sentiments, but_index);
  }
}

void ButRule::apply_by_rescanning(std::span<double> sentiments, std::size_t but_index) {
  for (std::size_t k = 0; k < sentiments.size(); ++k) {
    const double value = sentiments[k];
    std::size_t first = 0;
    while (sentiments[first] != value) ++first;  // list.index(): found at the latest at k
    sentiments[first] = rescaled(value, first, but_index);
  }
}

void ButRule::apply_indexed(std::span<double> sentiments, std::size_t but_index) {
  // Zeros stay zero whatever happens to them (only the sign of zero may change, which no later
  // step can observe), so only non-zero values are tracked. Values are never NaN.
  positions_by_value_.clear();
  for (std::size_t k = 0; k < sentiments.size(); ++k) {
    if (sentiments[k] != 0)
      positions_by_value_[std::bit_cast<std::uint64_t>(sentiments[k])].push(k);
  }
  for (std::size_t k = 0; k < sentiments.size(); ++k) {
    const double value = sentiments[k];
    if (value == 0) continue;
    PositionHeap& holders = positions_by_value_[std::bit_cast<std::uint64_t>(value)];
    const std::size_t first = holders.top();
    if (first == but_index) continue;  // the reference leaves the "but" position alone
    const double updated = rescaled(value, first, but_index);
    holders.pop();
    sentiments[first] = updated;
    positions_by_value_[std::bit_cast<std::uint64_t>(updated)].push(first);
  }
}

}  // namespace smlapi::vader
