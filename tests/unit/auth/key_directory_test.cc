// Key files: generation, loading, the active key, JWKS output and the permission checks.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <fstream>

#include "auth/key_directory.h"
#include "auth/secure_file.h"
#include "result_matchers.h"
#include "test_support.h"

namespace smlapi::auth {
namespace {

using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::Succeeds;
using ::testing::Field;
using ::testing::HasSubstr;

namespace fs = std::filesystem;
using testing::TempDir;

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 0777;
}

void write_file(const fs::path& path, std::string_view contents, mode_t mode = 0600) {
  ASSERT_TRUE(write_new_file(path, contents, mode)) << path;
}

TEST(KeyDirectory, GeneratesEveryAlgorithmWithOwnerOnlyPrivateFiles) {
  TempDir dir;
  const fs::path keys = dir.path() / "keys";
  for (const auto& [algorithm, kid] :
       {std::pair{Algorithm::ES256, "es-1"}, std::pair{Algorithm::RS256, "rs-1"},
        std::pair{Algorithm::EdDSA, "ed-1"}, std::pair{Algorithm::HS256, "hs-1"}}) {
    const auto files = generate_key_files(algorithm, kid, keys, 2048);
    ASSERT_THAT(files, Succeeds());
    EXPECT_EQ(mode_of(files->private_file), 0600u);
    EXPECT_EQ(files->public_file.has_value(), algorithm != Algorithm::HS256);
    if (files->public_file) {
      EXPECT_EQ(mode_of(*files->public_file), 0644u);
    }
  }
  EXPECT_EQ(mode_of(keys), 0700u);
  EXPECT_EQ(fs::file_size(keys / "hs-1.hs256"), kMinHs256SecretBytes);

  const auto set = load_key_directory(keys, {.active_kid = "es-1"});
  ASSERT_THAT(set, Succeeds());
  EXPECT_EQ(set->kids(), (std::vector<std::string>{"ed-1", "es-1", "hs-1", "rs-1"}));
  EXPECT_EQ(set->signing_key()->kid(), "es-1");
  EXPECT_EQ(set->find("ed-1")->algorithm(), Algorithm::EdDSA);
  EXPECT_EQ(set->find("hs-1")->algorithm(), Algorithm::HS256);
  EXPECT_EQ(set->find("rs-1")->algorithm(), Algorithm::RS256);
}

TEST(KeyDirectory, NeverOverwritesAKey) {
  TempDir dir;
  ASSERT_TRUE(generate_key_files(Algorithm::ES256, "k", dir.path()));
  EXPECT_FALSE(generate_key_files(Algorithm::ES256, "k", dir.path()));
  EXPECT_FALSE(generate_key_files(Algorithm::HS256, "k", dir.path()));
}

TEST(KeyDirectory, RefusesKidsThatAreNotPlainNames) {
  TempDir dir;
  const std::vector<std::string> kids = {
      "", "../k", "a/b", ".hidden", "k.pub", std::string(65, 'a'), "k k"};
  for (const std::string& kid : kids) {
    EXPECT_FALSE(generate_key_files(Algorithm::HS256, kid, dir.path())) << kid;
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(KeyDirectory, ActiveFileChoosesTheSigningKey) {
  TempDir dir;
  ASSERT_TRUE(generate_key_files(Algorithm::ES256, "old", dir.path()));
  ASSERT_TRUE(generate_key_files(Algorithm::ES256, "new", dir.path()));
  EXPECT_FALSE(load_key_directory(dir.path())) << "two private keys and no choice";
  write_file(dir.path() / "active", "new\n", 0644);
  const auto set = load_key_directory(dir.path());
  ASSERT_THAT(set, Succeeds());
  EXPECT_EQ(set->signing_key()->kid(), "new");
  EXPECT_NE(set->find("old"), nullptr) << "the previous key still verifies";
}

TEST(KeyDirectory, ActiveKidWithoutPrivateKeyFails) {
  TempDir dir;
  ASSERT_TRUE(generate_key_files(Algorithm::ES256, "k", dir.path()));
  EXPECT_FALSE(load_key_directory(dir.path(), {.active_kid = "missing"}));
}

TEST(KeyDirectory, PublicKeysOnlyGiveAVerifyOnlySet) {
  TempDir dir;
  const fs::path signer = dir.path() / "signer";
  const fs::path replica = dir.path() / "replica";
  ASSERT_TRUE(generate_key_files(Algorithm::EdDSA, "ed", signer));
  ASSERT_TRUE(generate_key_files(Algorithm::RS256, "rs", signer, 2048));
  fs::create_directories(replica);
  fs::copy_file(signer / "ed.pub.pem", replica / "ed.pub.pem");
  fs::copy_file(signer / "rs.pub.pem", replica / "rs.pub.pem");
  write_file(replica / "README", "not a key");
  const auto set = load_key_directory(replica);
  ASSERT_THAT(set, Succeeds());
  EXPECT_FALSE(set->signing_key());
  EXPECT_EQ(set->kids(), (std::vector<std::string>{"ed", "rs"}));
}

TEST(KeyDirectory, MismatchedPublicAndPrivateFilesFail) {
  TempDir dir;
  ASSERT_TRUE(generate_key_files(Algorithm::ES256, "a", dir.path()));
  ASSERT_TRUE(generate_key_files(Algorithm::ES256, "b", dir.path()));
  fs::remove(dir.path() / "a.pub.pem");
  fs::copy_file(dir.path() / "b.pub.pem", dir.path() / "a.pub.pem");
  EXPECT_FALSE(load_key_directory(dir.path(), {.active_kid = "a"})) << "active key mismatched";
  EXPECT_FALSE(load_key_directory(dir.path(), {.active_kid = "b"})) << "older key mismatched";
  fs::remove(dir.path() / "a.pub.pem");
  EXPECT_TRUE(load_key_directory(dir.path(), {.active_kid = "b"}));
}

// The file-trust rule itself is proven in file_trust_test.cc; here: the loader applies it to
// each kind of file it reads, with the audience of that kind.
TEST(KeyDirectory, PrivateFilesReadableByOthersAreRefused) {
  TempDir dir;
  ASSERT_TRUE(generate_key_files(Algorithm::HS256, "hs", dir.path()));
  fs::permissions(dir.path() / "hs.hs256", fs::perms::others_read, fs::perm_options::add);
  EXPECT_THAT(load_key_directory(dir.path()),
              FailsWith(Field(&Error::message, HasSubstr("accessible by others"))));
}

TEST(KeyDirectory, GroupReadablePrivateFilesAreAcceptedAsTheKubeletProjectsThem) {
  TempDir dir;
  ASSERT_TRUE(generate_key_files(Algorithm::ES256, "es", dir.path()));
  fs::permissions(dir.path() / "es.pem", fs::perms::group_read, fs::perm_options::add);
  EXPECT_THAT(load_key_directory(dir.path()), Succeeds());
}

TEST(KeyDirectory, EveryKindOfKeyFileWritableByTheGroupIsRefused) {
  for (const char* name : {"es.pem", "es.pub.pem", "active"}) {
    TempDir dir;
    ASSERT_TRUE(generate_key_files(Algorithm::ES256, "es", dir.path()));
    write_file(dir.path() / "active", "es\n", 0644);
    ASSERT_THAT(load_key_directory(dir.path()), Succeeds());
    fs::permissions(dir.path() / name, fs::perms::group_write, fs::perm_options::add);
    EXPECT_THAT(load_key_directory(dir.path()),
                FailsWith(Field(&Error::message, HasSubstr("writable by group or others"))))
        << name;
  }
}

TEST(KeyDirectory, PublicKeyOfAnotherAccountIsRefused) {
  TempDir dir;
  ASSERT_TRUE(generate_key_files(Algorithm::ES256, "es", dir.path()));
  ASSERT_EQ(::chown((dir.path() / "es.pub.pem").c_str(), 65532, 65532), 0);
  EXPECT_THAT(load_key_directory(dir.path()),
              FailsWith(Field(&Error::message, HasSubstr("owned by uid 65532"))));
}

// A Secret volume (kubelet layout, fsGroup, mode 0440) loads, and is read through its `..data`
// link: one load sees one version of the Secret, whatever else sits next to it.
TEST(KeyDirectory, KubeletSecretVolumeLoadsThroughItsDataLink) {
  TempDir dir;
  ASSERT_TRUE(generate_key_files(Algorithm::EdDSA, "a", dir.path() / "staging"));
  ASSERT_TRUE(generate_key_files(Algorithm::EdDSA, "b", dir.path() / "staging"));
  const auto file = [&](const std::string& name) {
    return read_small_file(dir.path() / "staging" / name).value();
  };
  const fs::path volume = dir.path() / "keys";
  testing::project_secret(volume, {{"a.pem", file("a.pem")}, {"a.pub.pem", file("a.pub.pem")}});
  write_file(volume / "b.pub.pem", file("b.pub.pem"), 0644);  // not part of the Secret
  const auto first = load_key_directory(volume);
  ASSERT_THAT(first, Succeeds());
  EXPECT_EQ(first->kids(), (std::vector<std::string>{"a"}));

  testing::project_secret(volume, {{"b.pem", file("b.pem")}});  // an update: ..data swapped
  const auto second = load_key_directory(volume);
  ASSERT_THAT(second, Succeeds());
  EXPECT_EQ(second->kids(), (std::vector<std::string>{"b"}));
  EXPECT_EQ(second->signing_key()->kid(), "b");
}

TEST(KeyDirectory, ShortHs256SecretIsRefused) {
  TempDir dir;
  write_file(dir.path() / "short.hs256", std::string(31, 'x'));
  EXPECT_FALSE(load_key_directory(dir.path()));
  EXPECT_FALSE(SigningKey::from_hs256_secret("k", std::string(31, 'x')));
  EXPECT_TRUE(SigningKey::from_hs256_secret("k", std::string(32, 'x')));
}

TEST(KeyDirectory, UnsupportedKeyTypesAreRefused) {
  TempDir dir;
  // A P-384 key: EC, but not the curve of ES256.
  write_file(dir.path() / "p384.pem",
             "-----BEGIN PRIVATE KEY-----\n"
             "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDAK7wVIixVo5q4sZhoo\n"
             "9TgJFCqqcsjDB73/TmlHUpjkkcWBW2yO1qq3W4OeuhCoRQyhZANiAATZIyM/FVsn\n"
             "MhU8ug76WCnwLW+egszG3/NWbcJiPo7m7GXqZI6WJU6rIgxorDwoFYNyC40+YN/r\n"
             "xtcYj4nB7glzwq8/yqjvMGZjOsakFJ1s5YQXFSUKL7nI8PYfAq8M5cM=\n"
             "-----END PRIVATE KEY-----\n");
  EXPECT_THAT(load_key_directory(dir.path()),
              FailsWith(Field(&Error::message, HasSubstr("P-256"))));
  EXPECT_FALSE(SigningKey::from_pem("k", "garbage"));
  EXPECT_FALSE(VerificationKey::from_pem("k", ""));
}

TEST(KeyDirectory, EncryptedPemIsRefusedWithoutPrompting) {
  const auto key = SigningKey::generate(Algorithm::ES256, "k");
  ASSERT_TRUE(key);
  // Not a real encrypted key, but the PEM type makes OpenSSL ask for a passphrase.
  EXPECT_FALSE(SigningKey::from_pem("k",
                                    "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n"
                                    "-----END ENCRYPTED PRIVATE KEY-----\n"));
}

TEST(Jwks, PublishesAsymmetricPublicKeysOnly) {
  const auto keys = testing::all_test_keys(Algorithm::HS256);
  const std::string jwks = keys->jwks_json();
  EXPECT_EQ(jwks.rfind("{\"keys\":[", 0), 0u);
  EXPECT_NE(jwks.find("\"kid\":\"rs\""), std::string::npos);
  EXPECT_NE(jwks.find("\"kid\":\"es\""), std::string::npos);
  EXPECT_NE(jwks.find("\"kid\":\"ed\""), std::string::npos);
  EXPECT_EQ(jwks.find("\"kid\":\"hs\""), std::string::npos);
  EXPECT_EQ(jwks.find("\"oct\""), std::string::npos);
  EXPECT_EQ(jwks.find("\"k\""), std::string::npos);
  EXPECT_EQ(jwks.find("\"d\""), std::string::npos) << "no private exponent or scalar";
  EXPECT_NE(jwks.find("\"kty\":\"OKP\",\"crv\":\"Ed25519\""), std::string::npos);
  EXPECT_NE(jwks.find("\"e\":\"AQAB\""), std::string::npos);
}

TEST(KeySet, DuplicateKidsAreRefused) {
  const auto key = testing::test_key(Algorithm::ES256).verification_key();
  EXPECT_FALSE(KeySet::create({key, key}, std::nullopt));
}

}  // namespace
}  // namespace smlapi::auth
