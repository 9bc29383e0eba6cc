// How long an issuer's keys are kept: the JWKS answer's max-age, clamped.
#include "federation/cache_control.h"

#include <gtest/gtest.h>

namespace smlapi::federation {
namespace {

using std::chrono::seconds;

TEST(KeysLifetime, FollowsMaxAgeWithinBounds) {
  EXPECT_EQ(keys_lifetime("public, max-age=300"), seconds(300));
  EXPECT_EQ(keys_lifetime("max-age=\"600\", must-revalidate"), seconds(600));
  EXPECT_EQ(keys_lifetime("Max-Age = 7200"), seconds(7200));
}

TEST(KeysLifetime, IsClamped) {
  EXPECT_EQ(keys_lifetime("max-age=0"), kMinKeysLifetime);
  EXPECT_EQ(keys_lifetime("max-age=5"), kMinKeysLifetime);
  EXPECT_EQ(keys_lifetime("max-age=31536000"), kMaxKeysLifetime);
  EXPECT_EQ(keys_lifetime("max-age=99999999999999999999999"), kMaxKeysLifetime);
  EXPECT_EQ(keys_lifetime("no-store"), kMinKeysLifetime);
  EXPECT_EQ(keys_lifetime("max-age=86400, no-cache"), kMinKeysLifetime);
}

TEST(KeysLifetime, DefaultsWhenAbsentOrUnreadable) {
  EXPECT_EQ(keys_lifetime(""), kDefaultKeysLifetime);
  EXPECT_EQ(keys_lifetime("max-age=-5"), kDefaultKeysLifetime);
  EXPECT_EQ(keys_lifetime("max-age=1h"), kDefaultKeysLifetime);
  EXPECT_EQ(keys_lifetime("private"), kDefaultKeysLifetime);
}

}  // namespace
}  // namespace smlapi::federation
