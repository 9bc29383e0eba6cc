#include "auth/scopes.h"

#include <gtest/gtest.h>

#include "result_matchers.h"

namespace smlapi::auth {
namespace {

using ::smlapi::result_testing::FailsWith;

using Scopes = std::vector<std::string>;

TEST(Scopes, SplitSkipsEmptyItemsAndDuplicates) {
  EXPECT_EQ(split_scopes("predict admin"), (Scopes{"predict", "admin"}));
  EXPECT_EQ(split_scopes("  predict   predict admin "), (Scopes{"predict", "admin"}));
  EXPECT_TRUE(split_scopes("").empty());
  EXPECT_TRUE(split_scopes("   ").empty());
}

TEST(Scopes, JoinIsSpaceSeparated) {
  EXPECT_EQ(join_scopes({"a", "b"}), "a b");
  EXPECT_EQ(join_scopes({}), "");
}

TEST(Scopes, NarrowingGrantsOnlyWhatWasGranted) {
  const Scopes granted{"admin", "predict"};
  EXPECT_EQ(narrow_scopes("", granted).value(), granted);
  EXPECT_EQ(narrow_scopes("predict", granted).value(), Scopes{"predict"});
  EXPECT_THAT(narrow_scopes("predict root", granted), FailsWith(ScopeError::invalid_scope));
  EXPECT_THAT(narrow_scopes("admin", Scopes{"predict"}), FailsWith(ScopeError::invalid_scope));
}

}  // namespace
}  // namespace smlapi::auth
