// AccessControl::judge: what happens to a verified token given the deny-list's answer and the
// route's scope (revoked, deny-list unreadable in fail-closed and fail-open mode, scope), and
// the RFC 6750 answers set_auth_denial writes for each refusal; Principal::assign.
#include "api/access_control.h"

#include <gtest/gtest.h>

#include "result_matchers.h"

#include <string>
#include <vector>

namespace smlapi::api {
namespace {

using ratelimit::Listing;
using ::smlapi::result_testing::ErrorOf;
using ::smlapi::result_testing::Succeeds;

auth::VerifiedToken token_with(std::vector<std::string> scopes) {
  return auth::VerifiedToken{.kind = auth::SubjectKind::user,
                             .issuer_name = {},
                             .subject = "alice",
                             .client_id = "password-grant",
                             .jti = "jti-1",
                             .kid = "k",
                             .scopes = std::move(scopes),
                             .expires_at = 1'800'000'900,
                             .issued_at = 1'800'000'000};
}

Principal caller_with(std::vector<std::string> scopes) {
  Principal principal;
  principal.assign(token_with(std::move(scopes)));
  return principal;
}

// judge() reads neither the keys nor the store: the deny-list answer is its argument.
AccessControl access(bool fail_open) {
  return AccessControl(std::shared_ptr<const auth::KeySet>(),
                       auth::VerifierConfig{"https://issuer.test", "secure-ml-api"}, nullptr,
                       fail_open);
}

std::string header(const http::Response& response, std::string_view name) {
  for (const http::Header& field : response.headers()) {
    if (field.name == name) return std::string(field.value);
  }
  return "(absent)";
}

TEST(AccessControl, ThePrincipalCarriesTheTokensClaims) {
  const Principal principal = caller_with({"predict"});
  EXPECT_EQ(principal.subject, "alice");
  EXPECT_EQ(principal.client_id, "password-grant");
  EXPECT_EQ(principal.jti, "jti-1");
  EXPECT_EQ(principal.scopes, std::vector<std::string>{"predict"});
  EXPECT_EQ(principal.expires_at, 1'800'000'900);
}

TEST(AccessControl, AdmitsAValidTokenWithTheScope) {
  EXPECT_THAT(access(false).judge(caller_with({"predict"}), Listing::absent, "predict"),
              Succeeds());
}

TEST(AccessControl, ARouteWithoutScopeAdmitsAnyValidToken) {
  EXPECT_THAT(access(false).judge(caller_with({}), Listing::absent, ""), Succeeds());
}

TEST(AccessControl, ARevokedTokenIsAnInvalidToken) {
  for (const bool fail_open : {false, true}) {
    const AuthDenial denial =
        ErrorOf(access(fail_open).judge(caller_with({"predict"}), Listing::listed, "predict"));
    EXPECT_EQ(denial.kind, AuthDenial::Kind::invalid_token) << "fail_open " << fail_open;
    EXPECT_EQ(denial.reason, "revoked");
  }
}

TEST(AccessControl, AnUnreadableDenyListFailsClosed) {
  const AuthDenial denial =
      ErrorOf(access(false).judge(caller_with({"predict"}), Listing::unknown, "predict"));
  EXPECT_EQ(denial.kind, AuthDenial::Kind::unavailable);
  EXPECT_EQ(denial.reason, "revocation_unavailable");
}

TEST(AccessControl, AnUnreadableDenyListIsAcceptedOnlyInFailOpenMode) {
  EXPECT_THAT(access(true).judge(caller_with({"predict"}), Listing::unknown, "predict"),
              Succeeds());
}

TEST(AccessControl, AMissingScopeIsInsufficientScope) {
  const AuthDenial denial = ErrorOf(
      access(false).judge(caller_with({"admin", "predict-extra"}), Listing::absent, "predict"));
  EXPECT_EQ(denial.kind, AuthDenial::Kind::insufficient_scope);
  EXPECT_EQ(denial.scope, "predict");
}

TEST(AccessControl, RevocationIsCheckedBeforeTheScope) {
  const AuthDenial denial =
      ErrorOf(access(false).judge(caller_with({}), Listing::listed, "predict"));
  EXPECT_EQ(denial.reason, "revoked");
}

TEST(AccessControl, DenialsAnswerAsRfc6750Says) {
  http::Response missing;
  set_auth_denial(missing, AuthDenial{AuthDenial::Kind::missing_token, "missing_token", "", ""});
  EXPECT_EQ(missing.status, 401u);
  EXPECT_EQ(header(missing, "WWW-Authenticate"), "Bearer realm=\"secure-ml-api\"");

  http::Response invalid;
  set_auth_denial(invalid, AuthDenial{AuthDenial::Kind::invalid_token, "revoked",
                                      "token has been revoked", ""});
  EXPECT_EQ(invalid.status, 401u);
  EXPECT_EQ(header(invalid, "WWW-Authenticate"),
            "Bearer realm=\"secure-ml-api\", error=\"invalid_token\", "
            "error_description=\"token has been revoked\"");

  http::Response scope;
  set_auth_denial(
      scope, AuthDenial{AuthDenial::Kind::insufficient_scope, "insufficient_scope", "", "predict"});
  EXPECT_EQ(scope.status, 403u);
  EXPECT_EQ(header(scope, "WWW-Authenticate"),
            "Bearer realm=\"secure-ml-api\", error=\"insufficient_scope\", scope=\"predict\"");

  http::Response unavailable;
  set_auth_denial(unavailable,
                  AuthDenial{AuthDenial::Kind::unavailable, "revocation_unavailable", "", ""});
  EXPECT_EQ(unavailable.status, 503u);
  EXPECT_EQ(header(unavailable, "Retry-After"), "1");
  EXPECT_EQ(header(unavailable, "WWW-Authenticate"), "(absent)");
}

}  // namespace
}  // namespace smlapi::api
