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

TEST(HttpHeaders, AppendedStateEqualsTheBuiltValueAndKeepsWhatWasThere) {
  const Policy policy{"predict-user", 100'000'000, 1s, 1'000'000'000};
  Decision decision;
  decision.remaining = UINT32_MAX;
  decision.reset_after = 86400s + 1ns;
  std::string out = "kept:";
  append_ratelimit_value(out, policy, decision);
  EXPECT_EQ(out, "kept:\"predict-user\";r=4294967295;t=86401");
  EXPECT_EQ(out.substr(5), ratelimit_value(policy, decision));
}

TEST(HttpHeaders, AnOverlongNameIsStillWrittenWhole) {
  const Policy policy{std::string(kMaxPolicyNameLength + 6, 'n'), 1, 1s, 0};
  Decision decision;
  decision.remaining = 3;
  std::string out;
  append_ratelimit_value(out, policy, decision);
  EXPECT_EQ(out, "\"" + policy.name + "\";r=3;t=0");
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
