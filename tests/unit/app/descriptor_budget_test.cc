#include "app/descriptor_budget.h"

#include <gtest/gtest.h>

namespace smlapi::app {
namespace {

http::ServerLimits automatic() {
  http::ServerLimits limits;
  limits.max_connections = 0;
  limits.max_connections_per_client = kAutoPerClient;
  return limits;
}

TEST(DescriptorBudget, CommonLimitOf1024LeavesAReserveForTheProcess) {
  http::ServerLimits limits = automatic();
  DescriptorBudget budget = plan_descriptor_budget(limits, 2, 1024);
  EXPECT_TRUE(budget.derived);
  EXPECT_EQ(budget.reserved, 64u + 16u);
  EXPECT_EQ(limits.max_connections, 1024u - 80u);
  EXPECT_EQ(limits.max_connections_per_client, (1024u - 80u) / 4);
}

TEST(DescriptorBudget, LargeLimitKeepsTheDefaultCeiling) {
  http::ServerLimits limits = automatic();
  plan_descriptor_budget(limits, 8, 1'048'576);
  EXPECT_EQ(limits.max_connections, limits::kMaxConnections);
  EXPECT_EQ(limits.max_connections_per_client, limits::kMaxConnections / 4);
}

TEST(DescriptorBudget, PerClientShareIsAtLeast64UnlessTheBudgetIsSmaller) {
  http::ServerLimits limits = automatic();
  plan_descriptor_budget(limits, 1, 200);
  EXPECT_EQ(limits.max_connections, 200u - 50u - 8u);
  EXPECT_EQ(limits.max_connections_per_client, 64u);

  http::ServerLimits tiny;
  tiny.max_connections = 4;
  tiny.max_connections_per_client = kAutoPerClient;
  plan_descriptor_budget(tiny, 1, 1024);
  EXPECT_EQ(tiny.max_connections_per_client, 4u) << "no cap below the whole budget";
}

TEST(DescriptorBudget, ExplicitBudgetAboveTheLimitIsKeptAndFlagged) {
  http::ServerLimits limits = automatic();
  limits.max_connections = 5000;
  DescriptorBudget budget = plan_descriptor_budget(limits, 2, 1024);
  EXPECT_FALSE(budget.derived);
  EXPECT_TRUE(budget.above_limit);
  EXPECT_EQ(limits.max_connections, 5000u);
}

TEST(DescriptorBudget, ExplicitPerClientCapIsKept) {
  http::ServerLimits limits = automatic();
  limits.max_connections_per_client = 0;
  plan_descriptor_budget(limits, 2, 1024);
  EXPECT_EQ(limits.max_connections_per_client, 0u);
}

}  // namespace
}  // namespace smlapi::app
