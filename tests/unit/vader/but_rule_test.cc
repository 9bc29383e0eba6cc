#include "vader/but_rule.h"

#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace smlapi::vader {
namespace {

TEST(ButRule, ScalesBeforeAndAfterTheFirstBut) {
  std::vector<double> sentiments{2.0, 0.0, 3.0};
  ButRule().apply(sentiments, 1);
  EXPECT_EQ(sentiments, (std::vector<double>{1.0, 0.0, 4.5}));
}

TEST(ButRule, ReproducesListIndexOnRepeatedValues) {
  // Python: for s in l: i = l.index(s); l[i] = scaled. Position 3 (2.0) becomes 3.0, which
  // equals position 4's value, so visiting position 4 rescales position 3 again (to 4.5) and
  // position 4 itself is never rescaled.
  std::vector<double> sentiments{2.0, 2.0, 0.0, 2.0, 3.0};
  ButRule().apply(sentiments, 2);
  std::vector<double> expected{2.0, 2.0, 0.0, 2.0, 3.0};
  ButRule::apply_by_rescanning(expected, 2);
  EXPECT_EQ(sentiments, expected);
  EXPECT_EQ(sentiments, (std::vector<double>{1.0, 1.0, 0.0, 4.5, 3.0}));
}

TEST(ButRule, LeavesTheButPositionAlone) {
  std::vector<double> sentiments{1.0, 1.0};  // "but" itself carries a valence of 1.0
  ButRule().apply(sentiments, 0);
  EXPECT_EQ(sentiments, (std::vector<double>{1.0, 1.0}));
}

// The indexed form used for long lists must agree with the literal transcription on lists
// full of repeated values (few distinct valences, as in real texts).
TEST(ButRule, IndexedFormEqualsRescanningOnRandomLists) {
  std::mt19937 rng(12345);
  const double palette[] = {0.0, 1.9, -1.9, 0.95, 2.85, -0.95, 3.1, -2.5, 1.425, 4.275};
  ButRule rule;
  for (int round = 0; round < 300; ++round) {
    const std::size_t size = 49 + rng() % 200;  // above the rescanning limit
    std::vector<double> sentiments(size);
    for (auto& s : sentiments) s = palette[rng() % std::size(palette)];
    const std::size_t but_index = rng() % size;
    std::vector<double> expected = sentiments;
    ButRule::apply_by_rescanning(expected, but_index);
    rule.apply(sentiments, but_index);
    ASSERT_EQ(sentiments, expected) << "round " << round;
  }
}

}  // namespace
}  // namespace smlapi::vader
