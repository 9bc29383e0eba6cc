// Argon2id hashing, PHC parsing, the hashing gate and the credential authenticator.
#include <gtest/gtest.h>

#include "auth/argon2_phc.h"
#include "auth/credential_authenticator.h"
#include "auth/hashing_gate.h"
#include "auth/password_hasher.h"
#include "result_matchers.h"

namespace smlapi::auth {
namespace {

using ::smlapi::result_testing::FailsWith;

// Small parameters keep the tests fast; the production defaults are checked separately.
constexpr Argon2Params kFast{.memory_kib = 64, .iterations = 1, .parallelism = 1};

TEST(PasswordHasher, DefaultsAreOwaspArgon2id) {
  const Argon2Params defaults;
  EXPECT_EQ(defaults.memory_kib, 19456u);
  EXPECT_EQ(defaults.iterations, 2u);
  EXPECT_EQ(defaults.parallelism, 1u);
  const PasswordHasher hasher;  // one real hash (the dummy), proving the defaults work
  const std::string hash = hasher.hash("correct horse battery staple");
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << hash;
  const auto phc = parse_argon2id_phc(hash);
  ASSERT_TRUE(phc);
  EXPECT_EQ(phc->salt_bytes, 16u);
  EXPECT_EQ(phc->tag_bytes, 32u);
  EXPECT_TRUE(hasher.verify(hash, "correct horse battery staple"));
}

TEST(PasswordHasher, VerifiesOnlyTheRightPassword) {
  const PasswordHasher hasher(kFast);
  const std::string hash = hasher.hash("s3cret-pass");
  EXPECT_TRUE(hasher.verify(hash, "s3cret-pass"));
  EXPECT_FALSE(hasher.verify(hash, "s3cret-pasS"));
  EXPECT_FALSE(hasher.verify(hash, ""));
  EXPECT_FALSE(hasher.verify(hash, std::string_view("s3cret-pass\0", 12)));
}

TEST(PasswordHasher, SaltsEveryHash) {
  const PasswordHasher hasher(kFast);
  EXPECT_NE(hasher.hash("same"), hasher.hash("same"));
}

TEST(PasswordHasher, MalformedHashesNeverMatch) {
  const PasswordHasher hasher(kFast);
  const std::string hash = hasher.hash("pw");
  EXPECT_FALSE(hasher.verify("", "pw"));
  EXPECT_FALSE(hasher.verify("plaintext", "plaintext"));
  std::string argon2i = hash;
  argon2i.replace(0, 10, "$argon2i$");
  EXPECT_FALSE(hasher.verify(argon2i, "pw"));
  // Out-of-bounds cost parameters are refused before libargon2 runs.
  std::string huge = hash;
  huge.replace(huge.find("m=64"), 4, "m=4194304");
  EXPECT_FALSE(hasher.verify(huge, "pw"));
}

TEST(PasswordHasher, LongPasswordsAreRejectedNotTruncated) {
  const PasswordHasher hasher(kFast);
  const std::string long_password(kMaxPasswordBytes + 1, 'a');
  EXPECT_THROW(static_cast<void>(hasher.hash(long_password)), std::invalid_argument);
  const std::string hash = hasher.hash(std::string(kMaxPasswordBytes, 'a'));
  EXPECT_FALSE(hasher.verify(hash, long_password));
  EXPECT_TRUE(hasher.verify(hash, std::string(kMaxPasswordBytes, 'a')));
}

TEST(PasswordHasher, NeedsRehashWhenParametersChange) {
  const PasswordHasher fast(kFast);
  const PasswordHasher other(Argon2Params{.memory_kib = 128, .iterations = 1, .parallelism = 1});
  const std::string hash = fast.hash("pw");
  EXPECT_FALSE(fast.needs_rehash(hash));
  EXPECT_TRUE(other.needs_rehash(hash));
  EXPECT_TRUE(fast.needs_rehash("garbage"));
}

TEST(PasswordHasher, RefusesParametersOutOfBounds) {
  EXPECT_THROW(
      PasswordHasher(Argon2Params{.memory_kib = 1 << 30, .iterations = 2, .parallelism = 1}),
      std::invalid_argument);
  EXPECT_THROW(PasswordHasher(Argon2Params{.memory_kib = 64, .iterations = 0, .parallelism = 1}),
               std::invalid_argument);
}

TEST(Argon2Phc, ParsesAndBoundsParameters) {
  const std::string salt = "c29tZXNhbHRzb21lc2FsdA";                      // 16 bytes
  const std::string tag = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI";  // 32 bytes
  const auto phc = parse_argon2id_phc("$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + tag);
  ASSERT_TRUE(phc);
  EXPECT_EQ(phc->params, Argon2Params{});
  for (const std::string bad :
       {"$argon2id$v=16$m=19456,t=2,p=1$", "$argon2id$v=19$m=19456,t=2$",
        "$argon2id$v=19$m=019456,t=2,p=1$", "$argon2id$v=19$t=2,m=19456,p=1$",
        "$argon2id$v=19$m=19456,t=0,p=1$", "$argon2id$v=19$m=19456,t=2,p=99$",
        "$argon2id$v=19$m=999999999,t=2,p=1$"}) {
    EXPECT_FALSE(parse_argon2id_phc(bad + salt + "$" + tag)) << bad;
  }
  EXPECT_FALSE(parse_argon2id_phc("$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$"));
  EXPECT_FALSE(parse_argon2id_phc("$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + tag + "$x"));
  EXPECT_FALSE(parse_argon2id_phc("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$" + tag));  // 4-byte salt
}

TEST(HashingGate, BoundsConcurrentPermits) {
  HashingGate gate(2);
  auto first = gate.try_acquire("192.0.2.1", false);
  auto second = gate.try_acquire("192.0.2.2", true);
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_FALSE(gate.try_acquire("192.0.2.3", true));
  EXPECT_EQ(gate.in_use(), 2u);
  first.reset();
  EXPECT_EQ(gate.in_use(), 1u);
  auto third = gate.try_acquire("192.0.2.3", false);
  EXPECT_TRUE(third);
  HashingGate::Permit moved = std::move(*third);
  third.reset();
  EXPECT_EQ(gate.in_use(), 2u) << "a moved-from permit releases nothing";
}

TEST(HashingGate, KeepsHalfTheSlotsForKnownCallers) {
  HashingGate gate(4);
  EXPECT_EQ(gate.reserved(), 2u);
  auto a = gate.try_acquire("198.51.100.1", false);
  auto b = gate.try_acquire("198.51.100.2", false);
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(gate.try_acquire("198.51.100.3", false)) << "unknown callers share two slots";
  auto owner = gate.try_acquire("203.0.113.7", true);
  auto colleague = gate.try_acquire("203.0.113.8", true);
  EXPECT_TRUE(owner && colleague) << "the reserved slots stay free for known callers";
}

TEST(HashingGate, OneSlotPerSource) {
  HashingGate gate(4);
  auto first = gate.try_acquire("2001:db8:1:2::/64", false);
  ASSERT_TRUE(first);
  EXPECT_FALSE(gate.try_acquire("2001:db8:1:2::/64", false)) << "one unknown hash per source";
  EXPECT_TRUE(gate.try_acquire("2001:db8:1:3::/64", false));
  auto known = gate.try_acquire("2001:db8:1:2::/64", true);
  ASSERT_TRUE(known) << "the source's known caller has a slot of its own";
  EXPECT_FALSE(gate.try_acquire("2001:db8:1:2::/64", true)) << "and only one";
  first.reset();
  EXPECT_TRUE(gate.try_acquire("2001:db8:1:2::/64", false)) << "released with the permit";
}

TEST(HashingGate, ZeroCapacityMeansOne) {
  HashingGate gate(0);
  EXPECT_EQ(gate.capacity(), 1u);
  auto permit = gate.try_acquire();
  EXPECT_TRUE(permit);
  EXPECT_FALSE(gate.try_acquire());
}

class Authenticator : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.add_user("alice", "alice-password", {"predict"}, hasher_));
    ASSERT_TRUE(
        store_.add_client("batch", "batch-secret-0123456789", {"predict", "admin"}, hasher_));
  }
  PasswordHasher hasher_{kFast};
  CredentialStore store_;
  CredentialAuthenticator authenticator_{hasher_};
};

TEST_F(Authenticator, AcceptsRightCredentials) {
  const auto user = authenticator_.authenticate_user(store_, "alice", "alice-password");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->name, "alice");
  EXPECT_EQ(user->scopes, std::vector<std::string>{"predict"});
  const auto client =
      authenticator_.authenticate_client(store_, "batch", "batch-secret-0123456789");
  ASSERT_TRUE(client);
  EXPECT_EQ(client->scopes, (std::vector<std::string>{"admin", "predict"}));
}

TEST_F(Authenticator, UnknownNameAndWrongPasswordLookTheSame) {
  EXPECT_THAT(authenticator_.authenticate_user(store_, "alice", "wrong"),
              FailsWith(AuthenticationError::invalid_credentials));
  EXPECT_THAT(authenticator_.authenticate_user(store_, "mallory", "alice-password"),
              FailsWith(AuthenticationError::invalid_credentials));
  EXPECT_THAT(authenticator_.authenticate_client(store_, "alice", "alice-password"),
              FailsWith(AuthenticationError::invalid_credentials))
      << "users are not clients";
}

TEST_F(Authenticator, AnotherAccountsPasswordIsRefused) {
  ASSERT_TRUE(store_.add_user("bob", "bob-password-123", {"admin"}, hasher_));
  EXPECT_FALSE(authenticator_.authenticate_user(store_, "alice", "bob-password-123"));
  EXPECT_FALSE(authenticator_.authenticate_user(store_, "bob", "alice-password"));
  EXPECT_FALSE(authenticator_.authenticate_client(store_, "batch", "alice-password"));
  EXPECT_FALSE(authenticator_.authenticate_user(store_, "alice", ""));
  EXPECT_FALSE(authenticator_.authenticate_user(store_, "alice", "alice-password "));
}

}  // namespace
}  // namespace smlapi::auth
