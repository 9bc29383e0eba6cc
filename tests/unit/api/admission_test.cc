// Admission (api/admission.h) over a scripted store: which store steps each kind of request
// asks for (the keys, the order, one step for a cached token), and what each answer does to
// the response — the same headers, refusals, metrics and audit lines as separate checks. Real
// tokens signed and verified with a real key; time from a manual clock.
#include "api/admission.h"

#include "api/credentials_source.h"
#include "api/deferred_answer.h"
#include "api/service_metrics.h"
#include "api/subject_key.h"
#include "api/worker_state.h"
#include "auth/credential_store.h"
#include "auth/key_set.h"
#include "auth/token_issuer.h"
#include "model/model_registry.h"
#include "ratelimit/memory_store.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace smlapi::api {
namespace {

using namespace std::chrono_literals;
using ratelimit::AdmissionQuery;
using ratelimit::AdmissionResults;
using ratelimit::Decision;
using ratelimit::Listing;

constexpr std::int64_t kStart = 1'900'000'000;

class ManualClock final : public Clock {
 public:
  ratelimit::TimePoint steady() const noexcept override { return steady_; }
  std::int64_t unix_seconds() const noexcept override { return unix_; }
  void advance(std::chrono::seconds by) {
    steady_ += by;
    unix_ += by.count();
  }

 private:
  ratelimit::TimePoint steady_{1000s};
  std::int64_t unix_ = kStart;
};

// What one query asked for, as text: "address=<key> jti=<jti> subject=<key>".
std::string describe(const AdmissionQuery& query) {
  std::string text;
  if (query.address) text.append("address=").append(query.address->key);
  if (query.jti) text.append(text.empty() ? "" : " ").append("jti=").append(*query.jti);
  if (query.subject)
    text.append(text.empty() ? "" : " ").append("subject=").append(query.subject->key);
  return text;
}

// Answers each query with the next scripted results (or, when none is left, "everything
// allowed and absent" for what was asked) and records every query.
class ScriptedStore final : public ratelimit::AdmissionStore {
 public:
  AdmissionResults run(const AdmissionQuery& query) override {
    queries.push_back(describe(query));
    unix_times.push_back(query.unix_now);
    if (!answers.empty()) {
      AdmissionResults next = answers.front();
      answers.pop_front();
      return next;
    }
    AdmissionResults all_allowed;
    if (query.address) all_allowed.address = allowed(5);
    if (query.jti) all_allowed.listing = Listing::absent;
    if (query.subject) all_allowed.subject = allowed(3);
    return all_allowed;
  }
  bool shared() const noexcept override { return false; }

  static Decision allowed(std::uint32_t remaining) {
    return Decision{.allowed = true, .remaining = remaining, .reset_after = 2s};
  }
  static Decision refused() {
    return Decision{.allowed = false, .remaining = 0, .reset_after = 30s, .retry_after = 30s};
  }

  std::deque<AdmissionResults> answers;
  std::vector<std::string> queries;
  std::vector<std::int64_t> unix_times;
};

std::vector<std::string> header_lines(const http::Response& response) {
  std::vector<std::string> lines;
  for (const http::Header& header : response.headers()) {
    lines.push_back(std::string(header.name) + ": " + header.value);
  }
  return lines;
}

class AdmissionTest : public ::testing::Test {
 protected:
  AdmissionTest()
      : log_fd_(::memfd_create("admission-audit", MFD_CLOEXEC)),
        sink_(log_fd_),
        metrics_(1, BuildInfo{"test", "test"}),
        worker_(0, models_, sink_, false, metrics_.worker(0)),
        store_(std::make_shared<ScriptedStore>()),
        clock_(std::make_shared<ManualClock>()) {
    auto key = auth::SigningKey::generate(auth::Algorithm::HS256, "k1");
    keys_ = std::make_shared<const auth::KeySet>(*auth::KeySet::create({}, *key));
    issuer_.emplace(*auth::TokenIssuer::create({"iss", "aud", 900}, *key));
    access_ = std::make_shared<AccessControl>(keys_, auth::VerifierConfig{"iss", "aud", 0, 8192},
                                              nullptr, false);
    access_->attach(worker_);
    policies_.predict_policy = {"predict", 2, 60s, 0};
  }
  ~AdmissionTest() override { ::close(log_fd_); }

  Admission admission(bool limits_on = true, bool fail_open = false) {
    if (fail_open) {
      access_ = std::make_shared<AccessControl>(keys_, auth::VerifierConfig{"iss", "aud", 0, 8192},
                                                nullptr, true);
    }
    auto limits = std::make_shared<RateLimitGate>(std::make_shared<ratelimit::MemoryStore>(),
                                                  "memory", policies_, limits_on, clock_);
    return Admission(AdmissionParts{access_, limits, store_, clock_}, sink_);
  }

  std::string token(std::vector<std::string> scopes) {
    return issuer_->issue("alice", "client", scopes, clock_->unix_seconds()).access_token;
  }

  // One request to `route` from 10.0.0.1 with `bearer` (empty: none); true when admitted.
  bool admit(Admission& admission, Route route, std::string_view bearer) {
    request_.clear();
    response_.clear();
    request_.authorization = bearer.empty() ? "" : "Bearer " + std::string(bearer);
    worker_.request.client_address = "10.0.0.1";
    worker_.request.request_id = "req-1";
    Call call{request_,
              response_,
              context_,
              worker_,
              worker_.request,
              completion_,
              clock_->steady(),
              route,
              nullptr,
              {},
              {},
              worker_.request.client_address,
              false};
    const bool admitted = admission.admit(call);
    principal_ = call.principal;
    return admitted;
  }

  std::string audit_log() const {
    std::string text(4096, '\0');
    const ssize_t n = ::pread(log_fd_, text.data(), text.size(), 0);
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return text;
  }

  struct NoContext final : http::RequestContext {
    unsigned worker_index() const override { return 0; }
    http::DeferredReply defer() override { throw std::logic_error("not deferred here"); }
  };
  struct NoCompletion final : AnswerCompletion {
    void complete(const RequestRecord&, http::Response&) override {}
    void count(const std::function<void(WorkerMetrics&)>&) override {}
  };

  int log_fd_;
  LogSink sink_;
  ModelsSource models_{std::make_shared<const model::ModelRegistry>()};  // nothing is scored
  ServiceMetrics metrics_;
  WorkerState worker_;
  std::shared_ptr<ScriptedStore> store_;
  std::shared_ptr<ManualClock> clock_;
  std::shared_ptr<const auth::KeySet> keys_;
  std::optional<auth::TokenIssuer> issuer_;
  std::shared_ptr<AccessControl> access_;
  RateLimitPolicies policies_;
  http::Request request_;
  http::Response response_;
  NoContext context_;
  NoCompletion completion_;
  const Principal* principal_ = nullptr;
};

TEST_F(AdmissionTest, AnUnlimitedPublicRouteAsksTheStoreNothing) {
  Admission gate = admission();
  EXPECT_TRUE(admit(gate, Route::healthz, ""));
  EXPECT_TRUE(store_->queries.empty());
}

TEST_F(AdmissionTest, ALimitedPublicRouteAsksForItsAddressAlone) {
  Admission gate = admission();
  EXPECT_TRUE(admit(gate, Route::token, ""));
  EXPECT_EQ(store_->queries, std::vector<std::string>{"address=rl:token:ip:10.0.0.1"});
  EXPECT_EQ(principal_, nullptr);
}

TEST_F(AdmissionTest, ANewTokenIsLimitedByAddressBeforeItsSignatureIsChecked) {
  Admission gate = admission();
  ASSERT_TRUE(admit(gate, Route::predict, token({"predict"})));
  EXPECT_EQ(store_->queries, (std::vector<std::string>{"address=rl:predict:ip:10.0.0.1",
                                                       "jti=" + worker_.request.principal.jti +
                                                           " subject=rl:predict-user:sub:alice"}));
  ASSERT_NE(principal_, nullptr);
  EXPECT_EQ(principal_->subject, "alice");
}

// Per-subject limits count a principal in its namespace: client "alice" has a key of its own,
// apart from user alice's (api/subject_key.h).
TEST_F(AdmissionTest, TheSubjectKeyIsNamespaced) {
  Admission gate = admission();
  const std::string client = issuer_
                                 ->issue("alice", "alice", {"predict"}, clock_->unix_seconds(),
                                         auth::TokenGrant::client_credentials)
                                 .access_token;
  ASSERT_TRUE(admit(gate, Route::predict, client));
  EXPECT_EQ(store_->queries.back(),
            "jti=" + worker_.request.principal.jti + " subject=rl:predict-user:sub:client:alice");
  EXPECT_EQ(principal_->kind, auth::SubjectKind::client);
}

TEST(SubjectIdentity, NamespacesCannotMeet) {
  std::string scratch;
  Principal user;
  user.subject = "alice";
  EXPECT_EQ(subject_identity(user, scratch), "alice");
  user.subject = "client:alice";  // not a valid user name: only a foreign signer could make it
  EXPECT_EQ(subject_identity(user, scratch), "user:client:alice");
  Principal client;
  client.kind = auth::SubjectKind::client;
  client.subject = "alice";
  EXPECT_EQ(subject_identity(client, scratch), "client:alice");
  Principal external;
  external.kind = auth::SubjectKind::external;
  external.issuer_name = "corp:a";
  external.subject = "b";
  EXPECT_EQ(subject_identity(external, scratch), "ext:6:corp:a:b");
  external.issuer_name = "corp";
  external.subject = "a:b";
  EXPECT_EQ(subject_identity(external, scratch), "ext:4:corp:a:b");
}

TEST_F(AdmissionTest, ACachedTokenTakesOneStoreStep) {
  Admission gate = admission();
  const std::string bearer = token({"predict"});
  ASSERT_TRUE(admit(gate, Route::predict, bearer));
  store_->queries.clear();
  ASSERT_TRUE(admit(gate, Route::predict, bearer));
  EXPECT_EQ(store_->queries, std::vector<std::string>{"address=rl:predict:ip:10.0.0.1 jti=" +
                                                      worker_.request.principal.jti +
                                                      " subject=rl:predict-user:sub:alice"});
}

TEST_F(AdmissionTest, ABadTokenCostsNoSecondStepAndIsAudited) {
  Admission gate = admission();
  EXPECT_FALSE(admit(gate, Route::predict, "not.a.token"));
  EXPECT_EQ(response_.status, 401u);
  EXPECT_EQ(store_->queries, std::vector<std::string>{"address=rl:predict:ip:10.0.0.1"});
  EXPECT_NE(audit_log().find("\"event\":\"auth.rejected\""), std::string::npos) << audit_log();
  EXPECT_NE(audit_log().find("\"request_id\":\"req-1\""), std::string::npos);
}

TEST_F(AdmissionTest, AMissingTokenIsRefusedWithoutAnAuditLine) {
  Admission gate = admission();
  EXPECT_FALSE(admit(gate, Route::predict, ""));
  EXPECT_EQ(response_.status, 401u);
  EXPECT_EQ(audit_log(), "");
}

TEST_F(AdmissionTest, ATokenWithoutTheScopeIsNotLimitedBySubjectAndGets403) {
  Admission gate = admission();
  EXPECT_FALSE(admit(gate, Route::predict, token({"other"})));
  EXPECT_EQ(response_.status, 403u);
  EXPECT_EQ(store_->queries.back(), "jti=" + worker_.request.principal.jti);
  EXPECT_EQ(principal_, nullptr);
}

TEST_F(AdmissionTest, HeadersAreThoseOfTwoSeparateChecks) {
  Admission gate = admission();
  const std::string bearer = token({"predict"});
  ASSERT_TRUE(admit(gate, Route::predict, bearer));
  store_->answers.push_back(
      {ScriptedStore::allowed(1), Listing::absent, ScriptedStore::allowed(0)});
  ASSERT_TRUE(admit(gate, Route::predict, bearer));
  EXPECT_EQ(
      header_lines(response_),
      (std::vector<std::string>{
          "RateLimit-Policy: \"predict\";q=2;w=60", "RateLimit: \"predict\";r=1;t=2",
          "RateLimit-Policy: \"predict-user\";q=2;w=60", "RateLimit: \"predict-user\";r=0;t=2"}));
}

TEST_F(AdmissionTest, ARefusedAddressAnswers429AndCarriesNoTokenVerdict) {
  Admission gate = admission();
  const std::string bearer = token({"predict"});
  ASSERT_TRUE(admit(gate, Route::predict, bearer));
  store_->answers.push_back({ScriptedStore::refused(), std::nullopt, std::nullopt});
  EXPECT_FALSE(admit(gate, Route::predict, bearer));
  EXPECT_EQ(response_.status, 429u);
  EXPECT_EQ(principal_, nullptr);
  EXPECT_EQ(audit_log(), "") << "no token verdict once the address is refused";
}

TEST_F(AdmissionTest, ARevokedTokenIsRefusedAndAudited) {
  Admission gate = admission();
  store_->answers.push_back({ScriptedStore::allowed(1), std::nullopt, std::nullopt});
  store_->answers.push_back({std::nullopt, Listing::listed, std::nullopt});
  EXPECT_FALSE(admit(gate, Route::predict, token({"predict"})));
  EXPECT_EQ(response_.status, 401u);
  EXPECT_NE(audit_log().find("\"reason\":\"revoked\""), std::string::npos) << audit_log();
}

TEST_F(AdmissionTest, AnUnreadableDenyListFailsClosed) {
  Admission gate = admission();
  store_->answers.push_back({ScriptedStore::allowed(1), std::nullopt, std::nullopt});
  store_->answers.push_back({std::nullopt, Listing::unknown, std::nullopt});
  EXPECT_FALSE(admit(gate, Route::predict, token({"predict"})));
  EXPECT_EQ(response_.status, 503u);
}

TEST_F(AdmissionTest, AStoreThatSkippedTheSubjectGetsAStepForIt) {
  Admission gate = admission(true, /*fail_open=*/true);
  store_->answers.push_back({ScriptedStore::allowed(1), std::nullopt, std::nullopt});
  store_->answers.push_back({std::nullopt, Listing::unknown, std::nullopt});
  ASSERT_TRUE(admit(gate, Route::predict, token({"predict"})));
  EXPECT_EQ(store_->queries.back(), "subject=rl:predict-user:sub:alice");
}

TEST_F(AdmissionTest, AStoreThatAnswersNothingIsUnavailableNeverAllowed) {
  Admission gate = admission();
  store_->answers.push_back(AdmissionResults{});
  EXPECT_FALSE(admit(gate, Route::token, ""));
  EXPECT_EQ(response_.status, 503u);
}

TEST_F(AdmissionTest, WithLimitsOffOnlyTheDenyListIsRead) {
  Admission gate = admission(/*limits_on=*/false);
  ASSERT_TRUE(admit(gate, Route::predict, token({"predict"})));
  EXPECT_EQ(store_->queries, std::vector<std::string>{"jti=" + worker_.request.principal.jti});
  EXPECT_TRUE(response_.headers().empty());
}

TEST_F(AdmissionTest, TimeComesFromTheInjectedClock) {
  Admission gate = admission();
  const std::string bearer = token({"predict"});  // valid for 900 s from kStart
  ASSERT_TRUE(admit(gate, Route::predict, bearer));
  EXPECT_EQ(store_->unix_times.back(), kStart);
  clock_->advance(901s);
  EXPECT_FALSE(admit(gate, Route::predict, bearer));
  EXPECT_EQ(response_.status, 401u);
  EXPECT_NE(audit_log().find("\"reason\":\"expired\""), std::string::npos) << audit_log();
}

// ---- the users file: authority and plans ---------------------------------------------------

// The fixture with a real users file and CredentialsSource: AccessControl follows its
// generations, Admission reads its plans.
class IdentityAdmissionTest : public AdmissionTest {
 protected:
  IdentityAdmissionTest() {
    EXPECT_TRUE(users_.add_user("alice", "alice-password", {"predict"}, hasher_));
    EXPECT_TRUE(users_.set_plan("gold", auth::Plan{6000, 200}));
    publish();
    access_->check_authority_against(source_);
    access_->attach(worker_);
  }

  // Saves `users_` and has the source reload it, as the server does on a change.
  void publish() {
    ASSERT_TRUE(users_.save(path_));
    ASSERT_EQ(source_->reload(true).outcome, ReloadResult::Outcome::loaded);
  }

  std::string response_header(std::string_view name) const {
    std::string values;
    for (const http::Header& header : response_.headers()) {
      if (header.name == name) values.append(values.empty() ? "" : ", ").append(header.value);
    }
    return values;
  }

  auth::PasswordHasher hasher_{
      auth::Argon2Params{.memory_kib = 64, .iterations = 1, .parallelism = 1}};
  auth::CredentialStore users_;
  auth::testing::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "users.json";
  std::shared_ptr<CredentialsSource> source_ = std::make_shared<CredentialsSource>(path_);
};

TEST_F(IdentityAdmissionTest, ARemovedUsersCachedTokenIsRefusedAfterTheReload) {
  Admission gate = admission();
  const std::string bearer = token({"predict"});
  ASSERT_TRUE(admit(gate, Route::predict, bearer));  // verified, then cached
  ASSERT_TRUE(users_.remove_user("alice"));
  publish();
  EXPECT_FALSE(admit(gate, Route::predict, bearer));
  EXPECT_EQ(response_.status, 401u);
  EXPECT_NE(response_header("WWW-Authenticate")
                .find("error=\"invalid_token\", error_description=\"the token's authority was "
                      "withdrawn\""),
            std::string::npos)
      << response_header("WWW-Authenticate");
  EXPECT_NE(audit_log().find("\"reason\":\"authority_withdrawn\""), std::string::npos)
      << audit_log();
  // Added again, later: the old token belonged to the earlier alice.
  ASSERT_TRUE(users_.add_user("alice", "alice-password", {"predict"}, hasher_));
  ASSERT_TRUE(users_.set_user_created_at("alice", clock_->unix_seconds() + 1));
  publish();
  EXPECT_FALSE(admit(gate, Route::predict, bearer));
  EXPECT_EQ(response_.status, 401u);
}

TEST_F(IdentityAdmissionTest, AWithdrawnScopeIsRefusedUntilGrantedAgain) {
  Admission gate = admission();
  const std::string bearer = token({"predict"});
  ASSERT_TRUE(admit(gate, Route::predict, bearer));
  ASSERT_TRUE(users_.set_user_scopes("alice", {"admin"}));
  publish();
  EXPECT_FALSE(admit(gate, Route::predict, bearer));
  EXPECT_EQ(response_.status, 403u);
  EXPECT_TRUE(admit(gate, Route::token_revoke, bearer));  // any valid token: still one
  ASSERT_TRUE(users_.set_user_scopes("alice", {"predict"}));
  publish();
  EXPECT_TRUE(admit(gate, Route::predict, bearer));
}

TEST_F(IdentityAdmissionTest, APrincipalsPlanCountsItsSubjectLimitAndNamesTheHeaders) {
  Admission gate = admission();
  const std::string bearer = token({"predict"});
  ASSERT_TRUE(admit(gate, Route::predict, bearer));
  EXPECT_EQ(store_->queries.back(),
            "jti=" + worker_.request.principal.jti + " subject=rl:predict-user:sub:alice");
  EXPECT_EQ(response_header("RateLimit-Policy"), "\"predict\";q=2;w=60, \"predict-user\";q=2;w=60");

  ASSERT_TRUE(users_.set_user_plan("alice", "gold"));
  publish();
  // Cached now: one step, the address's limit first; the plan's key and headers after it.
  ASSERT_TRUE(admit(gate, Route::predict, bearer));
  EXPECT_EQ(store_->queries.back(),
            "address=rl:predict:ip:10.0.0.1 jti=" + worker_.request.principal.jti +
                " subject=rl:predict-user:sub:alice:plan:gold");
  EXPECT_EQ(response_header("RateLimit-Policy"),
            "\"predict\";q=2;w=60, \"predict-user.gold\";q=6000;w=60");
  EXPECT_EQ(response_header("RateLimit"), "\"predict\";r=5;t=2, \"predict-user.gold\";r=3;t=2");
  ASSERT_TRUE(admit(gate, Route::v2_models, bearer));
  EXPECT_EQ(response_header("RateLimit-Policy"),
            "\"default\";q=60;w=60, \"default-user.gold\";q=6000;w=60");
}

}  // namespace
}  // namespace smlapi::api
