// The users file's plans and principal terms (plan, created_at), and what a verified local
// token may still do against the identity store (auth/token_authority.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/credential_store.h"
#include "auth/token_authority.h"
#include "result_matchers.h"

namespace smlapi::auth {
namespace {

using ::smlapi::result_testing::ErrorOf;
using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::Succeeds;
using ::testing::Field;
using ::testing::HasSubstr;

constexpr Argon2Params kFast{.memory_kib = 64, .iterations = 1, .parallelism = 1};
const std::string kHash =
    "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
    "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI";

std::string user(std::string_view name, std::string_view extra = "") {
  return "{\"name\":\"" + std::string(name) + "\",\"password_hash\":\"" + kHash +
         "\",\"scopes\":[\"predict\"]" + std::string(extra) + "}";
}

std::string error_of(const std::string& json) {
  const auto parsed = CredentialStore::parse(json);
  return parsed ? std::string("(parsed)") : ErrorOf(parsed).message;
}

TEST(Plans, ParsedWithTheirPrincipalsInAnyOrder) {
  const auto store = CredentialStore::parse(
      "{\"users\":[" + user("alice", ",\"plan\":\"gold\",\"created_at\":1700000000") + "," +
      user("bob") + "],\"plans\":{\"gold\":{\"requests_per_minute\":6000,\"burst\":200}}}");
  ASSERT_THAT(store, Succeeds());
  ASSERT_NE(store->find_plan("gold"), nullptr);
  EXPECT_EQ(store->find_plan("gold")->requests_per_minute, 6000u);
  EXPECT_EQ(store->find_plan("gold")->burst, 200u);
  EXPECT_EQ(store->find_user("alice")->terms.plan, "gold");
  EXPECT_EQ(store->find_user("alice")->terms.created_at, 1700000000);
  EXPECT_EQ(store->find_user("bob")->terms.plan, "");
  // Written back as read.
  const auto again = CredentialStore::parse(store->to_json());
  ASSERT_THAT(again, Succeeds());
  EXPECT_EQ(again->to_json(), store->to_json());
}

TEST(Plans, BadPlansFailTheLoadNamingTheEntry) {
  const std::string gold = "\"plans\":{\"gold\":{\"requests_per_minute\":60}}";
  EXPECT_EQ(error_of("{\"users\":[" + user("a", ",\"plan\":\"silver\"") + "]," + gold + "}"),
            "users[0].plan: unknown plan 'silver'");
  EXPECT_EQ(error_of("{\"users\":[" + user("a", ",\"plan\":\"silver\"") + "]}"),
            "users[0].plan: unknown plan 'silver'");
  EXPECT_EQ(error_of("{\"plans\":{\"gold\":{\"requests_per_minute\":0}}}"),
            "plans.gold.requests_per_minute: must be an integer 1 to 1000000");
  EXPECT_EQ(error_of("{\"plans\":{\"gold\":{\"requests_per_minute\":1000001}}}"),
            "plans.gold.requests_per_minute: must be an integer 1 to 1000000");
  EXPECT_EQ(error_of("{\"plans\":{\"gold\":{\"requests_per_minute\":6,\"burst\":-1}}}"),
            "plans.gold.burst: must be an integer 0 to 100000");
  EXPECT_EQ(error_of("{\"plans\":{\"gold\":{\"requests_per_minute\":\"6\"}}}"),
            "plans.gold.requests_per_minute: must be an integer 1 to 1000000");
  EXPECT_EQ(error_of("{\"plans\":{\"gold\":{\"burst\":6}}}"),
            "plans.gold: needs \"requests_per_minute\"");
  EXPECT_EQ(error_of("{\"plans\":{\"gold\":{\"requests_per_minute\":6,\"rate\":1}}}"),
            "plans.gold: unexpected member 'rate'");
  EXPECT_THAT(error_of("{\"plans\":{\"none\":{\"requests_per_minute\":6}}}"),
              HasSubstr("plans.none: invalid plan name"));
  EXPECT_THAT(error_of("{\"plans\":[]}"), HasSubstr("plans: must be an object"));
  EXPECT_THAT(error_of("{\"users\":[" + user("a", ",\"created_at\":-5") + "]}"),
              HasSubstr("users[0].created_at: must be a non-negative integer"));
  EXPECT_THAT(error_of("{\"users\":[" + user("a", ",\"plan\":\"1x\"") + "]}"),
              HasSubstr("users[0].plan: must be a plan name"));
}

TEST(Plans, SetRemoveAndAssign) {
  PasswordHasher hasher{kFast};
  CredentialStore store;
  ASSERT_TRUE(store.add_user("alice", "alice-password", {"predict"}, hasher));
  EXPECT_THAT(store.set_user_plan("alice", "gold"),
              FailsWith(Field(&Error::message, HasSubstr("unknown plan 'gold'"))));
  ASSERT_TRUE(store.set_plan("gold", Plan{6000, 200}));
  ASSERT_TRUE(store.set_user_plan("alice", "gold"));
  EXPECT_THAT(store.remove_plan("gold"),
              FailsWith(Field(&Error::message, HasSubstr("used by user 'alice'"))));
  ASSERT_TRUE(store.set_user_plan("alice", kNoPlan));
  EXPECT_EQ(store.find_user("alice")->terms.plan, "");
  EXPECT_TRUE(store.remove_plan("gold"));
  EXPECT_THAT(store.set_plan("gold", Plan{0, 0}),
              FailsWith(Field(&Error::message, HasSubstr("requests_per_minute"))));
  EXPECT_THAT(store.set_user_plan("bob", "gold"),
              FailsWith(Field(&Error::message, HasSubstr("no user 'bob'"))));
}

// ---- token authority ------------------------------------------------------------------------

class TokenAuthorityTest : public ::testing::Test {
 protected:
  TokenAuthorityTest() {
    EXPECT_TRUE(store_.add_user("alice", "alice-password", {"predict"}, hasher_));
    EXPECT_TRUE(store_.add_user("root", "root-password", {"admin", "predict"}, hasher_));
    EXPECT_TRUE(store_.add_client("job", generate_client_secret(), {"predict"}, hasher_));
    EXPECT_TRUE(store_.set_user_created_at("alice", 1000));
  }

  static VerifiedToken token(SubjectKind kind, std::string subject, std::string client_id,
                             std::vector<std::string> scopes, std::int64_t iat = 2000) {
    return VerifiedToken{.kind = kind,
                         .issuer_name = "",
                         .subject = std::move(subject),
                         .client_id = std::move(client_id),
                         .jti = "j",
                         .kid = "k",
                         .scopes = std::move(scopes),
                         .expires_at = iat + 900,
                         .issued_at = iat};
  }

  PasswordHasher hasher_{kFast};
  CredentialStore store_;
};

TEST_F(TokenAuthorityTest, CurrentPrincipalKeepsItsToken) {
  VerifiedToken t = token(SubjectKind::user, "root", "password-grant", {"predict", "admin"});
  EXPECT_EQ(apply_authority(store_, t), Authority::current);
  EXPECT_EQ(t.scopes, (std::vector<std::string>{"predict", "admin"}));
}

TEST_F(TokenAuthorityTest, RemovedUserOrClientHasNone) {
  VerifiedToken t = token(SubjectKind::user, "mallory", "password-grant", {"predict"});
  EXPECT_EQ(apply_authority(store_, t), Authority::principal_removed);
  EXPECT_TRUE(withdrawn(Authority::principal_removed));
  VerifiedToken c = token(SubjectKind::client, "gone", "gone", {"predict"});
  EXPECT_EQ(apply_authority(store_, c), Authority::principal_removed);
  // A client is not a user: kind client looks in the clients only.
  VerifiedToken u = token(SubjectKind::client, "alice", "alice", {"predict"});
  EXPECT_EQ(apply_authority(store_, u), Authority::principal_removed);
}

TEST_F(TokenAuthorityTest, ClientTokensAreCheckedAgainstTheClients) {
  VerifiedToken c = token(SubjectKind::client, "job", "job", {"predict", "admin"});
  EXPECT_EQ(apply_authority(store_, c), Authority::scopes_narrowed);
  EXPECT_EQ(c.scopes, std::vector<std::string>{"predict"});
  // The namespace decides (gty): a user token naming the client "job" is not the client's.
  VerifiedToken as_user = token(SubjectKind::user, "job", "job", {"predict"});
  EXPECT_EQ(apply_authority(store_, as_user), Authority::principal_removed);
  VerifiedToken other = token(SubjectKind::user, "job", "password-grant", {"predict"});
  EXPECT_EQ(apply_authority(store_, other), Authority::principal_removed);
}

TEST_F(TokenAuthorityTest, WithdrawnScopesAreTakenOut) {
  VerifiedToken t = token(SubjectKind::user, "alice", "password-grant", {"admin", "predict"});
  EXPECT_EQ(apply_authority(store_, t), Authority::scopes_narrowed);
  EXPECT_FALSE(withdrawn(Authority::scopes_narrowed));
  EXPECT_EQ(t.scopes, std::vector<std::string>{"predict"});
}

TEST_F(TokenAuthorityTest, TokenOfAnEarlierNamesakeHasNone) {
  VerifiedToken before = token(SubjectKind::user, "alice", "password-grant", {"predict"}, 999);
  EXPECT_EQ(apply_authority(store_, before), Authority::predates_principal);
  VerifiedToken same_second =
      token(SubjectKind::user, "alice", "password-grant", {"predict"}, 1000);
  EXPECT_EQ(apply_authority(store_, same_second), Authority::current);
}

TEST_F(TokenAuthorityTest, ExternalTokensAreNotTheStoresToJudge) {
  VerifiedToken t = token(SubjectKind::external, "alice", "x", {"admin"});
  EXPECT_EQ(apply_authority(store_, t), Authority::not_local);
  EXPECT_EQ(t.scopes, std::vector<std::string>{"admin"});
}

}  // namespace
}  // namespace smlapi::auth
