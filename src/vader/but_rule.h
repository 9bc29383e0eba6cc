#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <queue>
#include <span>
#include <vector>

namespace smlapi::vader {

// The reference's _but_check(), result for result: with `but_index` the first "but", it walks
// the list and, for each value, rescales the FIRST position holding an equal value (list.index())
// by 0.5 before the "but" and by 1.5 after it. Repeated values therefore make some positions
// scaled several times and others not at all; this reproduces that exactly.
//
// The reference rescans the list for every item (quadratic). Here short lists use that direct
// form and long lists keep, per distinct value, a min-heap of the positions holding it, which
// makes the cost O(n log n).
class ButRule {
 public:
  void apply(std::span<double> sentiments, std::size_t but_index);

  // The direct transcription, exposed so tests can compare both forms.
  static void apply_by_rescanning(std::span<double> sentiments, std::size_t but_index);

 private:
  void apply_indexed(std::span<double> sentiments, std::size_t but_index);

  using PositionHeap =
      std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<std::size_t>>;
  std::map<std::uint64_t, PositionHeap> positions_by_value_;
};

}  // namespace smlapi::vader
