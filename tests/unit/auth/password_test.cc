// Argon2id hashing, PHC parsing, the hashing gate and the credential authenticator.
#include <gtest/gtest.h>

#include "auth/argon2_phc.h"
#include "auth/credential_authenticator.h"
#include "auth/hashing_gate.h"
#include "auth/keyed_secret_hash.h"
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

// ---- generated client secrets: the keyed hash ------------------------------------------------

TEST(KeyedSecretHash, VerifiesOnlyTheRightGeneratedSecret) {
  const std::string secret = generate_client_secret();
  ASSERT_TRUE(is_generated_secret(secret));
  const std::string hash = keyed_secret_hash(secret);
  EXPECT_TRUE(hash.starts_with("$hmac-sha256$")) << hash;
  EXPECT_EQ(hash.size(), std::string_view("$hmac-sha256$").size() + 43 + 1 + 43);
  EXPECT_TRUE(verify_keyed_secret(hash, secret));
  EXPECT_FALSE(verify_keyed_secret(hash, generate_client_secret()));
  std::string flipped = secret;
  flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_keyed_secret(hash, flipped));
  EXPECT_NE(keyed_secret_hash(secret), hash) << "a fresh salt every time";
}

// Only the generated form (the canonical base64url of 32 bytes) can match: a short or
// human-chosen secret never passes through the fast hash, even if its HMAC were stored.
TEST(KeyedSecretHash, LengthRuleOnlyGeneratedFormMatches) {
  const std::string secret = generate_client_secret();
  EXPECT_FALSE(is_generated_secret(secret.substr(0, 42)));
  EXPECT_FALSE(is_generated_secret(secret + "A"));
  EXPECT_FALSE(is_generated_secret(std::string(43, '!')));
  EXPECT_FALSE(is_generated_secret(std::string(42, 'A') + "B")) << "non-zero trailing bits";
  EXPECT_TRUE(is_generated_secret(std::string(42, 'A') + "A"));
  for (const std::string& short_secret :
       {std::string("hunter2"), std::string(""), std::string("batch-job-secret-0123456789")}) {
    // The stored form an attacker would need: a keyed hash of a short secret.
    const std::string hash = keyed_secret_hash(short_secret);
    EXPECT_FALSE(verify_keyed_secret(hash, short_secret)) << short_secret;
  }
}

TEST(KeyedSecretHash, ParsesOnlyTheExactFormat) {
  const std::string hash = keyed_secret_hash(generate_client_secret());
  ASSERT_TRUE(parse_keyed_secret_hash(hash));
  EXPECT_EQ(parse_keyed_secret_hash(hash)->salt.size(), 32u);
  const std::string salt = hash.substr(13, 43);
  const std::string digest = hash.substr(57);
  for (const std::string& bad :
       {std::string(""), std::string("$hmac-sha256$"), "$hmac-sha1$" + salt + "$" + digest,
        "$hmac-sha256$" + salt + "$" + digest + "$", "$hmac-sha256$" + salt + digest,
        "$hmac-sha256$" + salt + "=$" + digest, "$hmac-sha256$" + salt.substr(1) + "$" + digest,
        "$hmac-sha256$" + salt + "$" + digest.substr(0, 42),
        "$hmac-sha256$" + salt + "$" + digest + "AA", "$HMAC-SHA256$" + salt + "$" + digest}) {
    EXPECT_FALSE(parse_keyed_secret_hash(bad)) << bad;
    EXPECT_FALSE(verify_keyed_secret(bad, "x")) << bad;
  }
}

// ---- the work a login does does not depend on the account ---------------------------------

// Records the parameter set of every Argon2id verification (the seam of password_hasher.h).
class RecordingHasher : public PasswordHasher {
 public:
  using PasswordHasher::PasswordHasher;
  mutable std::vector<Argon2Params> verified;

 protected:
  bool verify_encoded(const std::string& encoded, std::string_view password) const override {
    const auto phc = parse_argon2id_phc(encoded);
    verified.push_back(phc ? phc->params : Argon2Params{0, 0, 0});
    return PasswordHasher::verify_encoded(encoded, password);
  }
};

constexpr Argon2Params kOther{.memory_kib = 128, .iterations = 2, .parallelism = 1};
constexpr Argon2Params kThird{.memory_kib = 96, .iterations = 1, .parallelism = 2};

// An unknown user, a user with the current parameters and users whose hashes were made with
// other (older or stronger) parameters: each login hashes with the same sequence of parameter
// sets, whether the password is right, wrong or absurdly long. No timing assertion needed.
TEST(ConstantWork, SameParameterSetsForEveryUserWhateverTheHash) {
  RecordingHasher hasher(kFast);
  const PasswordHasher other(kOther);
  const PasswordHasher third(kThird);
  CredentialStore store;
  ASSERT_TRUE(store.add_user("current", "current-password", {"predict"}, hasher));
  ASSERT_TRUE(store.add_user("older", "older-password", {"predict"}, other));
  ASSERT_TRUE(store.add_user("stronger", "stronger-password", {"predict"}, third));
  ASSERT_EQ(store.user_hash_params().size(), 3u);
  const CredentialAuthenticator authenticator(hasher);

  std::vector<std::vector<Argon2Params>> sequences;
  const auto attempt = [&](std::string_view name, std::string_view password, bool ok) {
    hasher.verified.clear();
    EXPECT_EQ(authenticator.authenticate_user(store, name, password).has_value(), ok) << name;
    sequences.push_back(hasher.verified);
  };
  attempt("nobody", "some-password", false);
  attempt("current", "current-password", true);
  attempt("current", "wrong-password", false);
  attempt("older", "older-password", true);
  attempt("older", "wrong-password", false);
  attempt("stronger", "stronger-password", true);
  attempt("stronger", std::string(kMaxPasswordBytes + 1, 'x'), false);
  attempt("nobody", std::string(kMaxPasswordBytes + 1, 'x'), false);
  for (const auto& sequence : sequences) {
    EXPECT_EQ(sequence, store.user_hash_params()) << "every login hashes with every set, in order";
  }
}

TEST(ConstantWork, ClientsArgon2HashesArePaddedLikeUsers) {
  RecordingHasher hasher(kFast);
  const PasswordHasher other(kOther);
  CredentialStore store;
  ASSERT_TRUE(store.add_client("old-job", "old-job-secret-0123", {"predict"}, other));
  ASSERT_TRUE(store.add_client("new-job", "new-job-secret-0123", {"predict"}, hasher));
  ASSERT_TRUE(store.add_generated_client("fast-job", {"predict"}));
  const CredentialAuthenticator authenticator(hasher);
  for (const std::string_view id : {"old-job", "new-job", "fast-job", "nobody"}) {
    hasher.verified.clear();
    EXPECT_FALSE(authenticator.authenticate_client(store, id, "not-the-secret-123"));
    EXPECT_EQ(hasher.verified, store.client_hash_params()) << id;
  }
}

TEST(ConstantWork, AnEmptyStoreStillCostsOneHash) {
  RecordingHasher hasher(kFast);
  const CredentialStore store;
  const CredentialAuthenticator authenticator(hasher);
  EXPECT_FALSE(authenticator.authenticate_user(store, "nobody", "some-password"));
  EXPECT_EQ(hasher.verified, std::vector<Argon2Params>{kFast});
}

// ---- generated client secrets through the authenticator ----------------------------------

TEST(GeneratedClients, CheckedWithoutArgon2AndOnlyWithTheRightSecret) {
  RecordingHasher hasher(kFast);
  CredentialStore store;
  const auto secret = store.add_generated_client("fast-job", {"predict"});
  ASSERT_TRUE(secret);
  ASSERT_TRUE(store.add_client("slow-job", "slow-job-secret-0123", {"predict"}, hasher));
  ASSERT_TRUE(store.add_public_client("web-app"));
  const CredentialAuthenticator authenticator(hasher);

  ASSERT_TRUE(CredentialAuthenticator::uses_keyed_check(store, "fast-job", *secret));
  hasher.verified.clear();
  const auto ok = authenticator.authenticate_client(store, "fast-job", *secret);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->scopes, std::vector<std::string>{"predict"});
  EXPECT_TRUE(hasher.verified.empty()) << "no Argon2id for a generated secret";

  const std::string wrong = generate_client_secret();
  EXPECT_FALSE(authenticator.authenticate_client(store, "fast-job", wrong));
  // An unknown id with a secret of the generated form: the same fast path, a dummy check.
  EXPECT_TRUE(CredentialAuthenticator::uses_keyed_check(store, "nobody", wrong));
  EXPECT_FALSE(authenticator.authenticate_client(store, "nobody", wrong));
  EXPECT_TRUE(hasher.verified.empty());
  // A public client has no secret and cannot use client_credentials.
  EXPECT_FALSE(authenticator.authenticate_client(store, "web-app", wrong));
  EXPECT_FALSE(authenticator.authenticate_client(store, "web-app", ""));
  // An Argon2id client stays on the slow path, whatever the secret looks like.
  EXPECT_FALSE(CredentialAuthenticator::uses_keyed_check(store, "slow-job", wrong));
  EXPECT_TRUE(authenticator.authenticate_client(store, "slow-job", "slow-job-secret-0123"));
  // The keyed-hash client's own secret is not a user password.
  EXPECT_FALSE(authenticator.authenticate_user(store, "fast-job", *secret));
}

}  // namespace
}  // namespace smlapi::auth
