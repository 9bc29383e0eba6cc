// KeysSource: the key directory reloaded by generations, as the kubelet updates a Secret volume.
#include "api/keys_source.h"

#include "auth/secure_file.h"
#include "result_matchers.h"
#include "test_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

namespace smlapi::api {
namespace {

using ::smlapi::result_testing::Succeeds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Outcome = ReloadResult::Outcome;

namespace fs = std::filesystem;

const auth::IssuerConfig kIssuer{"https://issuer.test", "secure-ml-api", 900};

// The files of a new key `kid`, as `secure-ml-api keys generate` writes them.
std::map<std::string, std::string> key_files(const fs::path& staging, const std::string& kid) {
  EXPECT_TRUE(auth::generate_key_files(auth::Algorithm::EdDSA, kid, staging));
  std::map<std::string, std::string> files;
  for (const std::string& name : {kid + ".pem", kid + ".pub.pem"}) {
    files[name] = auth::read_small_file(staging / name).value();
  }
  return files;
}

std::shared_ptr<KeysSource> open_source(const fs::path& volume) {
  auto source = KeysSource::open(volume, {}, kIssuer);
  EXPECT_THAT(source, Succeeds());
  return source ? *source : nullptr;
}

TEST(KeysSource, FixedSetNeverReloads) {
  KeysSource source(nullptr, nullptr);
  EXPECT_EQ(source.generation(), 1u);
  EXPECT_EQ(source.reload(true).outcome, Outcome::unchanged);
  EXPECT_EQ(source.generation(), 1u);
}

TEST(KeysSource, OpensAProjectedSecretAndSignsWithIt) {
  auth::testing::TempDir dir;
  auth::testing::project_secret(dir.path() / "keys", key_files(dir.path() / "staging", "a"));
  const auto source = open_source(dir.path() / "keys");
  ASSERT_TRUE(source);
  EXPECT_EQ(source->generation(), 1u);
  ASSERT_TRUE(source->current()->issuer);
  EXPECT_EQ(source->current()->issuer->signing_key().kid(), "a");
  EXPECT_EQ(source->reload(false).outcome, Outcome::unchanged);
  EXPECT_EQ(source->generation(), 1u);
}

TEST(KeysSource, MissingDirectoryFailsToOpen) {
  auth::testing::TempDir dir;
  EXPECT_FALSE(KeysSource::open(dir.path() / "absent", {}, kIssuer));
}

// Rotation step 1 as docs/security.md describes it: a new signing key, the old public key kept.
TEST(KeysSource, PicksUpASwappedSecretAsANewGeneration) {
  auth::testing::TempDir dir;
  const fs::path volume = dir.path() / "keys";
  auto a = key_files(dir.path() / "staging", "a");
  auth::testing::project_secret(volume, a);
  const auto source = open_source(volume);
  ASSERT_TRUE(source);
  const auto first = source->current();

  auto next = key_files(dir.path() / "staging", "b");
  next["a.pub.pem"] = a["a.pub.pem"];
  auth::testing::project_secret(volume, next);
  const ReloadResult result = source->reload(false);
  EXPECT_EQ(result.outcome, Outcome::loaded) << result.detail;
  EXPECT_EQ(source->generation(), 2u);
  const auto second = source->current();
  EXPECT_EQ(second->number, 2u);
  EXPECT_THAT(second->keys->kids(), ElementsAre("a", "b"));
  EXPECT_EQ(second->issuer->signing_key().kid(), "b");
  EXPECT_THAT(first->keys->kids(), ElementsAre("a")) << "a generation never changes";
}

TEST(KeysSource, FailedReloadKeepsThePreviousKeysAndSaysWhyWithoutTheKey) {
  auth::testing::TempDir dir;
  const fs::path volume = dir.path() / "keys";
  auth::testing::project_secret(volume, key_files(dir.path() / "staging", "a"));
  const auto source = open_source(volume);
  ASSERT_TRUE(source);

  const auto b = key_files(dir.path() / "staging", "b");
  auth::testing::project_secret(volume, b, 0460);  // group-writable: not to be trusted
  const ReloadResult failed = source->reload(false);
  EXPECT_EQ(failed.outcome, Outcome::failed);
  EXPECT_THAT(failed.detail, HasSubstr("writable by group or others"));
  EXPECT_THAT(failed.detail, Not(HasSubstr("PRIVATE KEY")));
  EXPECT_EQ(source->generation(), 1u);
  EXPECT_EQ(source->current()->issuer->signing_key().kid(), "a");
  EXPECT_EQ(source->reload(false).outcome, Outcome::unchanged) << "reported once, not each tick";

  auth::testing::project_secret(volume, b);  // fixed by the next update
  EXPECT_EQ(source->reload(false).outcome, Outcome::loaded);
  EXPECT_EQ(source->current()->issuer->signing_key().kid(), "b");
}

TEST(KeysSource, ForcedReloadPublishesANewGenerationOfTheSameKeys) {
  auth::testing::TempDir dir;
  auth::testing::project_secret(dir.path() / "keys", key_files(dir.path() / "staging", "a"));
  const auto source = open_source(dir.path() / "keys");
  ASSERT_TRUE(source);
  EXPECT_EQ(source->reload(true).outcome, Outcome::loaded);
  EXPECT_EQ(source->generation(), 2u);
  EXPECT_EQ(source->current()->number, 2u);
}

}  // namespace
}  // namespace smlapi::api
