// The credential file: operations, parsing with clear errors, atomic save and round trip.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <fstream>
#include <vector>

#include "auth/credential_store.h"
#include "auth/keyed_secret_hash.h"
#include "result_matchers.h"
#include "test_support.h"

namespace smlapi::auth {
namespace {

using ::smlapi::result_testing::ErrorOf;
using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::Succeeds;
using ::testing::Field;
using ::testing::HasSubstr;

constexpr Argon2Params kFast{.memory_kib = 64, .iterations = 1, .parallelism = 1};

class CredentialStoreTest : public ::testing::Test {
 protected:
  PasswordHasher hasher_{kFast};
  CredentialStore store_;
};

TEST_F(CredentialStoreTest, AddListRemoveUsers) {
  ASSERT_TRUE(store_.add_user("bob", "bob-password", {"predict"}, hasher_));
  ASSERT_TRUE(store_.add_user("alice@example.com", "alice-password", {"admin", "predict", "admin"},
                              hasher_));
  EXPECT_FALSE(store_.add_user("bob", "another-password", {}, hasher_)) << "duplicate";
  ASSERT_EQ(store_.users().size(), 2u);
  EXPECT_EQ(store_.users().begin()->first, "alice@example.com");
  EXPECT_EQ(store_.find_user("alice@example.com")->scopes,
            (std::vector<std::string>{"admin", "predict"}));
  EXPECT_TRUE(store_.remove_user("bob"));
  EXPECT_FALSE(store_.remove_user("bob"));
  EXPECT_EQ(store_.find_user("bob"), nullptr);
}

TEST_F(CredentialStoreTest, ValidatesNamesPasswordsAndScopes) {
  const std::vector<std::string> names = {"",        "a b", "../x", "x/y", std::string(65, 'a'),
                                          "\xc3\xbc"};
  for (const std::string& name : names) {
    EXPECT_FALSE(store_.add_user(name, "long-enough", {}, hasher_)) << name;
  }
  EXPECT_TRUE(store_.add_user(std::string(64, 'a'), "long-enough", {}, hasher_));
  EXPECT_FALSE(store_.add_user("short", "1234567", {}, hasher_));
  EXPECT_FALSE(store_.add_user("unknown-scope", "long-enough", {"root"}, hasher_));
  EXPECT_FALSE(store_.add_client("c", "too-short", {}, hasher_));
  CredentialStore custom(ScopeSet{"read", "write"});
  EXPECT_TRUE(custom.add_user("u", "long-enough", {"write"}, hasher_));
  EXPECT_FALSE(custom.add_user("v", "long-enough", {"predict"}, hasher_));
}

TEST_F(CredentialStoreTest, PasswdReplacesTheHash) {
  ASSERT_TRUE(store_.add_user("bob", "old-password", {}, hasher_));
  const std::string before = store_.find_user("bob")->password_hash;
  ASSERT_TRUE(store_.set_user_password("bob", "new-password", hasher_));
  const std::string after = store_.find_user("bob")->password_hash;
  EXPECT_NE(before, after);
  EXPECT_TRUE(hasher_.verify(after, "new-password"));
  EXPECT_FALSE(hasher_.verify(after, "old-password"));
  EXPECT_FALSE(store_.set_user_password("nobody", "new-password", hasher_));
  EXPECT_TRUE(store_.set_user_scopes("bob", {"admin"}));
  EXPECT_EQ(store_.find_user("bob")->scopes, std::vector<std::string>{"admin"});
}

TEST_F(CredentialStoreTest, ClientOperations) {
  const std::string secret = generate_client_secret();
  EXPECT_EQ(secret.size(), 43u);
  ASSERT_TRUE(store_.add_client("batch-job", secret, {"predict"}, hasher_));
  EXPECT_TRUE(hasher_.verify(store_.find_client("batch-job")->secret_hash, secret));
  const std::string rotated = generate_client_secret();
  ASSERT_TRUE(store_.set_client_secret("batch-job", rotated, hasher_));
  EXPECT_FALSE(hasher_.verify(store_.find_client("batch-job")->secret_hash, secret));
  EXPECT_TRUE(store_.set_client_scopes("batch-job", {"admin", "predict"}));
  EXPECT_TRUE(store_.remove_client("batch-job"));
  EXPECT_TRUE(store_.clients().empty());
}

TEST_F(CredentialStoreTest, SaveAndLoadRoundTrip) {
  ASSERT_TRUE(store_.add_user("alice", "alice-password", {"predict"}, hasher_));
  ASSERT_TRUE(store_.add_user("root", "root-password", {"admin", "predict"}, hasher_));
  ASSERT_TRUE(store_.add_client("job", generate_client_secret(), {"predict"}, hasher_));
  testing::TempDir dir;
  const auto path = dir.path() / "users.json";
  ASSERT_TRUE(store_.save(path));
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  const auto loaded = CredentialStore::load(path);
  ASSERT_THAT(loaded, Succeeds());
  EXPECT_EQ(loaded->to_json(), store_.to_json());
  EXPECT_EQ(loaded->find_user("root")->scopes, (std::vector<std::string>{"admin", "predict"}));
  EXPECT_TRUE(hasher_.verify(loaded->find_user("alice")->password_hash, "alice-password"));

  // Saving again replaces the file atomically and leaves no temporary files behind.
  ASSERT_TRUE(loaded->save(path));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(CredentialStoreTest, EmptyStoreSerializesAndParses) {
  const std::string json = store_.to_json();
  EXPECT_EQ(json, "{\n  \"version\": 1,\n  \"users\": [],\n  \"clients\": []\n}\n");
  EXPECT_TRUE(CredentialStore::parse(json));
  EXPECT_TRUE(CredentialStore::parse("{}"));
}

std::string error_of(std::string_view json) {
  const auto parsed = CredentialStore::parse(json);
  return parsed ? std::string("(parsed)") : ErrorOf(parsed).message;
}

TEST(CredentialFile, ParseErrorsNameTheProblem) {
  const std::string hash =
      "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
      "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI";
  const auto user = [&](std::string_view name, std::string_view scopes) {
    return "{\"name\":\"" + std::string(name) + "\",\"password_hash\":\"" + hash +
           "\",\"scopes\":" + std::string(scopes) + "}";
  };
  EXPECT_EQ(error_of("{\"users\":[" + user("a", "[\"predict\"]") + "]}"), "(parsed)");
  EXPECT_NE(error_of("not json").find("not a JSON object"), std::string::npos);
  EXPECT_NE(error_of("{\"users\":[],\"users\":[]}").find("duplicate"), std::string::npos);
  EXPECT_NE(error_of("{\"usres\":[]}").find("unknown member 'usres'"), std::string::npos);
  EXPECT_NE(error_of("{\"version\":2}").find("version"), std::string::npos);
  EXPECT_NE(error_of("{\"users\":{}}").find("users: must be an array"), std::string::npos);
  EXPECT_NE(error_of("{\"users\":[" + user("a", "[\"root\"]") + "]}").find("users[0].scopes"),
            std::string::npos);
  EXPECT_NE(error_of("{\"users\":[" + user("a", "[]") + "," + user("a", "[]") + "]}")
                .find("users[1]: duplicate user 'a'"),
            std::string::npos);
  EXPECT_NE(error_of("{\"users\":[" + user("../a", "[]") + "]}").find("users[0]: invalid name"),
            std::string::npos);
  EXPECT_NE(
      error_of("{\"users\":[{\"name\":\"a\",\"password_hash\":\"sha256:abc\",\"scopes\":[]}]}")
          .find("not an Argon2id PHC string"),
      std::string::npos);
  EXPECT_NE(error_of("{\"users\":[{\"name\":\"a\",\"scopes\":[]}]}").find("needs"),
            std::string::npos);
  EXPECT_NE(error_of("{\"users\":[{\"name\":\"a\",\"password\":\"x\",\"password_hash\":\"" + hash +
                     "\",\"scopes\":[]}]}")
                .find("unexpected member 'password'"),
            std::string::npos);
  EXPECT_NE(error_of("{\"clients\":[{\"client_id\":\"c\",\"secret_hash\":\"" + hash +
                     "\",\"scopes\":[1]}]}")
                .find("clients[0].scopes: must be an array of strings"),
            std::string::npos);
}

TEST_F(CredentialStoreTest, GeneratedClientsStoreAKeyedHash) {
  const auto secret = store_.add_generated_client("fast-job", {"predict"});
  ASSERT_TRUE(secret);
  EXPECT_TRUE(is_generated_secret(*secret));
  const ClientRecord* client = store_.find_client("fast-job");
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(client->has_keyed_hash());
  EXPECT_TRUE(verify_keyed_secret(client->secret_hash, *secret));
  EXPECT_TRUE(store_.client_hash_params().empty()) << "no Argon2id hash among the clients";
  EXPECT_FALSE(store_.add_generated_client("fast-job", {})) << "duplicate";
  EXPECT_FALSE(store_.add_generated_client("bad id", {}));

  const auto rotated = store_.rotate_client_secret("fast-job");
  ASSERT_TRUE(rotated);
  EXPECT_NE(*rotated, *secret);
  EXPECT_FALSE(verify_keyed_secret(store_.find_client("fast-job")->secret_hash, *secret));
  EXPECT_TRUE(verify_keyed_secret(store_.find_client("fast-job")->secret_hash, *rotated));
  EXPECT_FALSE(store_.rotate_client_secret("nobody"));

  // Rotating an Argon2id client moves it to the keyed hash.
  ASSERT_TRUE(store_.add_client("slow-job", "slow-job-secret-0123", {}, hasher_));
  EXPECT_EQ(store_.client_hash_params(), std::vector<Argon2Params>{kFast});
  ASSERT_TRUE(store_.rotate_client_secret("slow-job"));
  EXPECT_TRUE(store_.find_client("slow-job")->has_keyed_hash());
  EXPECT_TRUE(store_.client_hash_params().empty());

  // Round trip through the file format.
  const auto parsed = CredentialStore::parse(store_.to_json());
  ASSERT_THAT(parsed, Succeeds());
  EXPECT_EQ(parsed->to_json(), store_.to_json());
}

TEST_F(CredentialStoreTest, PublicClientsAreOneNamespaceWithConfidentialOnes) {
  ASSERT_TRUE(store_.add_public_client("web-app"));
  EXPECT_TRUE(store_.is_public_client("web-app"));
  EXPECT_FALSE(store_.is_public_client("other"));
  EXPECT_EQ(store_.find_client("web-app"), nullptr) << "no secret: not a confidential client";
  EXPECT_FALSE(store_.add_public_client("web-app"));
  EXPECT_FALSE(store_.add_client("web-app", "some-secret-0123456", {}, hasher_));
  EXPECT_FALSE(store_.add_generated_client("web-app", {}));
  ASSERT_TRUE(store_.add_generated_client("job", {}));
  EXPECT_FALSE(store_.add_public_client("job"));
  EXPECT_FALSE(store_.add_public_client("bad\nid"));
  EXPECT_FALSE(store_.add_public_client(std::string(65, 'a')));

  const std::string json = store_.to_json();
  EXPECT_NE(json.find("\"public_clients\": [\"web-app\"]"), std::string::npos) << json;
  const auto parsed = CredentialStore::parse(json);
  ASSERT_THAT(parsed, Succeeds());
  EXPECT_TRUE(parsed->is_public_client("web-app"));
  EXPECT_EQ(parsed->to_json(), json);

  EXPECT_TRUE(store_.remove_client("web-app"));
  EXPECT_FALSE(store_.is_public_client("web-app"));
  EXPECT_EQ(store_.to_json().find("public_clients"), std::string::npos);
}

TEST(CredentialFile, KeyedHashesAndPublicClientsAreValidated) {
  const std::string keyed = keyed_secret_hash(generate_client_secret());
  const auto client = [&](std::string_view hash) {
    return "{\"clients\":[{\"client_id\":\"c\",\"secret_hash\":\"" + std::string(hash) +
           "\",\"scopes\":[]}]}";
  };
  EXPECT_EQ(error_of(client(keyed)), "(parsed)");
  EXPECT_NE(error_of(client(keyed.substr(0, keyed.size() - 1))).find("clients[0]: secret_hash"),
            std::string::npos);
  // A password is never stored with the fast hash.
  EXPECT_NE(
      error_of("{\"users\":[{\"name\":\"a\",\"password_hash\":\"" + keyed + "\",\"scopes\":[]}]}")
          .find("not an Argon2id PHC string"),
      std::string::npos);
  EXPECT_EQ(error_of("{\"public_clients\":[\"web-app\",\"cli\"]}"), "(parsed)");
  EXPECT_NE(error_of("{\"public_clients\":{}}").find("public_clients: must be an array"),
            std::string::npos);
  EXPECT_NE(error_of("{\"public_clients\":[1]}").find("public_clients[0]: must be a string"),
            std::string::npos);
  EXPECT_NE(error_of("{\"public_clients\":[\"a\",\"a\"]}").find("public_clients[1]: duplicate"),
            std::string::npos);
  EXPECT_NE(error_of("{\"public_clients\":[\"a\\u0001b\"]}").find("invalid client id"),
            std::string::npos);
  EXPECT_NE(error_of("{\"public_clients\":[\"c\"]," + client(keyed).substr(1))
                .find("'c' is also a confidential client"),
            std::string::npos);
}

TEST(CredentialFile, MissingFileIsAnError) {
  testing::TempDir dir;
  const auto loaded = CredentialStore::load(dir.path() / "absent.json");
  EXPECT_THAT(loaded, FailsWith(Field(&Error::message, HasSubstr("absent.json"))));
}

// The users file passes the file-trust rule (secure_file.h) as a secret: group-readable as the
// kubelet projects it, but never writable by the group nor readable by others.
TEST(CredentialFile, UntrustedFileIsRefused) {
  testing::TempDir dir;
  const auto volume = dir.path() / "users";
  const std::string json = "{\"version\": 1, \"users\": [], \"clients\": []}";
  testing::project_secret(volume, {{"users.json", json}}, 0440);
  EXPECT_THAT(CredentialStore::load(volume / "users.json"), Succeeds());
  testing::project_secret(volume, {{"users.json", json}}, 0460);
  EXPECT_THAT(CredentialStore::load(volume / "users.json"),
              FailsWith(Field(&Error::message, HasSubstr("writable by group or others"))));
  testing::project_secret(volume, {{"users.json", json}}, 0444);
  EXPECT_THAT(CredentialStore::load(volume / "users.json"),
              FailsWith(Field(&Error::message, HasSubstr("accessible by others"))));
}

}  // namespace
}  // namespace smlapi::auth
