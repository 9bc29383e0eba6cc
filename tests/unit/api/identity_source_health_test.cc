// IdentitySourceHealth: when a failed reload of the users file or key directory is logged, and
// when the source counts as degraded.
#include "api/identity_source_health.h"

#include <gtest/gtest.h>

namespace smlapi::api {
namespace {

using namespace std::chrono_literals;
using Outcome = ReloadResult::Outcome;

TEST(IdentitySourceHealth, AFailedReloadIsDegradedUntilALoadSucceeds) {
  IdentitySourceHealth health("users file", 10s, 60s);
  const auto start = IdentitySourceHealth::Clock::time_point{} + 1h;
  auto note = health.observe({Outcome::loaded, "3 users"}, start, 1000);
  ASSERT_TRUE(note);
  EXPECT_FALSE(health.degraded());
  EXPECT_EQ(health.last_success_unix(), 1000);

  note = health.observe({Outcome::failed, "users.json: cannot open"}, start + 1s, 1001);
  ASSERT_TRUE(note) << "becoming degraded is always logged";
  EXPECT_EQ(note->level, "error");
  EXPECT_EQ(note->state, "degraded");
  EXPECT_NE(note->message.find("users file not loaded"), std::string::npos) << note->message;
  EXPECT_NE(note->message.find("cannot open"), std::string::npos) << note->message;
  EXPECT_TRUE(health.degraded());
  EXPECT_EQ(health.failures(), 1u);

  EXPECT_FALSE(health.observe({Outcome::failed, "bad"}, start + 2s, 1002))
      << "further failures are rate-limited";
  EXPECT_EQ(health.failures(), 2u);
  EXPECT_FALSE(health.tick(start + 30s));
  note = health.tick(start + 62s);
  ASSERT_TRUE(note) << "a reminder while degraded";
  EXPECT_NE(note->message.find("still not loaded"), std::string::npos) << note->message;

  note = health.observe({Outcome::loaded, "3 users"}, start + 63s, 1063);
  ASSERT_TRUE(note);
  EXPECT_EQ(note->state, "ok");
  EXPECT_NE(note->message.find("recovered"), std::string::npos) << note->message;
  EXPECT_FALSE(health.degraded());
  EXPECT_EQ(health.last_success_unix(), 1063);
  EXPECT_FALSE(health.tick(start + 600s)) << "no reminder once recovered";
}

}  // namespace
}  // namespace smlapi::api
