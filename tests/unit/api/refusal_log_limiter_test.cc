#include "api/refusal_log_limiter.h"

#include <gtest/gtest.h>

#include <string>

namespace smlapi::api {
namespace {

using namespace std::chrono_literals;
using Clock = RefusalLogLimiter::Clock;

TEST(RefusalLogLimiter, OneLinePerClientPerSecondWithTheCountLeftOut) {
  RefusalLogLimiter limiter;
  const Clock::time_point t0{};
  EXPECT_EQ(limiter.admit("192.0.2.1", t0), 0u);
  EXPECT_FALSE(limiter.admit("192.0.2.1", t0 + 100ms));
  EXPECT_FALSE(limiter.admit("192.0.2.1", t0 + 900ms));
  EXPECT_EQ(limiter.admit("192.0.2.2", t0 + 900ms), 0u) << "another client is not held back";
  EXPECT_EQ(limiter.admit("192.0.2.1", t0 + 1s), 2u);
  EXPECT_EQ(limiter.admit("192.0.2.1", t0 + 5s), 0u);
}

TEST(RefusalLogLimiter, FullTableCountsNewClientsAndReportsThemLater) {
  RefusalLogLimiter limiter;
  const Clock::time_point t0{};
  for (std::size_t i = 0; i < RefusalLogLimiter::kMaxClients; ++i) {
    ASSERT_TRUE(limiter.admit("client-" + std::to_string(i), t0).has_value());
  }
  EXPECT_FALSE(limiter.admit("newcomer-1", t0 + 10ms));
  EXPECT_FALSE(limiter.admit("newcomer-2", t0 + 20ms));
  // A second later the quiet clients are forgotten: the newcomer is logged with the overflow.
  EXPECT_EQ(limiter.admit("newcomer-3", t0 + 2s), 2u);
}

}  // namespace
}  // namespace smlapi::api
