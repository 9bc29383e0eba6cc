// The external keys as workers see them: generations, and refresh requests that a flood of
// unknown kids cannot multiply.
#include "federation/federation_keys.h"

#include <gtest/gtest.h>

namespace smlapi::federation {
namespace {

TEST(FederationKeys, PublishingMovesTheGenerationAndKeepsOtherIssuers) {
  FederationKeys keys(2);
  const auto first = keys.current();
  EXPECT_EQ(keys.generation(), first->number);
  EXPECT_EQ(first->keys.size(), 2U);
  EXPECT_EQ(first->keys[0], nullptr);
  auto set = std::make_shared<const auth::KeySet>(auth::KeySet::create({}, std::nullopt).value());
  keys.publish(1, set);
  EXPECT_EQ(keys.generation(), first->number + 1);
  EXPECT_EQ(keys.current()->keys[1], set);
  EXPECT_EQ(keys.current()->keys[0], nullptr);
  EXPECT_EQ(first->keys[1], nullptr);  // a worker's snapshot never changes under it
}

TEST(FederationKeys, RefreshRequestsCollapseUntilTaken) {
  FederationKeys keys(1);
  EXPECT_FALSE(keys.refresh_requested(0));
  for (int i = 0; i < 100; ++i) keys.request_refresh(0);
  keys.request_refresh(7);  // no such issuer: ignored
  EXPECT_TRUE(keys.take_refresh_request(0));
  EXPECT_FALSE(keys.take_refresh_request(0));
}

}  // namespace
}  // namespace smlapi::federation
