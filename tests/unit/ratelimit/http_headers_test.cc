#include "ratelimit/http_headers.h"

#include <gtest/gtest.h>

namespace smlapi::ratelimit {
namespace {

using namespace std::chrono_literals;

TEST(HttpHeaders, PolicyAndStateFollowTheDraftSyntax) {
  const Policy policy{"default", 60, 60s, 0};
  EXPECT_EQ(ratelimit_policy_value(policy), "\"default\";q=60;w=60");
  Decision decision;
  decision.remaining = 12;
  decision.reset_after = 29500ms;
  EXPECT_EQ(ratelimit_value(policy, decision), "\"default\";r=12;t=30");
}

TEST(HttpHeaders, RetryAfterRoundsUpToWholeSeconds) {
  EXPECT_EQ(retry_after_value(0s), "0");
  EXPECT_EQ(retry_after_value(1ns), "1");
  EXPECT_EQ(retry_after_value(1s), "1");
  EXPECT_EQ(retry_after_value(1001ms), "2");
  EXPECT_EQ(whole_seconds_ceil(-5s), 0u);
}

}  // namespace
}  // namespace smlapi::ratelimit
