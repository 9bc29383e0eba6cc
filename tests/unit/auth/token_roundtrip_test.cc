// Issuing and verifying access tokens: the at+jwt profile, claims and time rules.
#include <gtest/gtest.h>

#include <string>

#include "auth/base64url.h"
#include "auth/jws.h"
#include "result_matchers.h"
#include "test_support.h"

namespace smlapi::auth {
namespace {

using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::Succeeds;

using testing::claims_json;
using testing::header_json;
using testing::kAudience;
using testing::kIssuer;
using testing::kNow;
using testing::sign_raw;
using testing::test_key;

class TokenRoundTrip : public ::testing::TestWithParam<Algorithm> {};

TEST_P(TokenRoundTrip, IssuedTokenVerifiesWithAllClaims) {
  const auto issuer = testing::make_issuer(GetParam());
  auto verifier = testing::make_verifier(testing::all_test_keys(GetParam()));
  const IssuedToken issued = issuer.issue("alice", "web-app", {"predict", "admin"}, kNow);

  const auto verified = verifier.verify(issued.access_token, kNow + 10);
  ASSERT_THAT(verified, Succeeds());
  EXPECT_EQ(verified->subject, "alice");
  EXPECT_EQ(verified->client_id, "web-app");
  EXPECT_EQ(verified->jti, issued.jti);
  EXPECT_EQ(verified->kid, test_key(GetParam()).kid());
  EXPECT_EQ(verified->issued_at, kNow);
  EXPECT_EQ(verified->expires_at, kNow + 900);
  EXPECT_TRUE(verified->has_scope("predict"));
  EXPECT_TRUE(verified->has_scope("admin"));
  EXPECT_FALSE(verified->has_scope("other"));
  EXPECT_EQ(issued.scope, "predict admin");
  EXPECT_EQ(issued.expires_in, 900);
}

TEST_P(TokenRoundTrip, HeaderIsTheAtJwtProfile) {
  const IssuedToken issued = testing::make_issuer(GetParam()).issue("a", "c", {}, kNow);
  const auto jws = *split_compact_jws(issued.access_token);
  EXPECT_EQ(*base64url_decode(jws.header), "{\"alg\":\"" + std::string(to_string(GetParam())) +
                                               "\",\"typ\":\"at+jwt\",\"kid\":\"" +
                                               test_key(GetParam()).kid() + "\"}");
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, TokenRoundTrip,
                         ::testing::Values(Algorithm::HS256, Algorithm::RS256, Algorithm::ES256,
                                           Algorithm::EdDSA),
                         [](const auto& param_info) {
                           return std::string(to_string(param_info.param));
                         });

TEST(TokenIssuer, JtiIsUnique128BitBase64Url) {
  const auto issuer = testing::make_issuer(Algorithm::HS256);
  const auto first = issuer.issue("a", "c", {}, kNow);
  const auto second = issuer.issue("a", "c", {}, kNow);
  EXPECT_NE(first.jti, second.jti);
  EXPECT_EQ(base64url_decode(first.jti)->size(), 16u);
}

// ECDSA signing is randomised and OpenSSL returns high-S half the time: 200 tokens all low-S
// (s <= n/2, and their high-S twin refused) would happen by chance with probability 2^-200.
TEST(TokenIssuer, Es256SignaturesAreAlwaysLowS) {
  // floor(n/2) for the P-256 order n, big-endian: fixed-width, so byte order compares numbers.
  const std::string half_order = *base64url_decode("f____4AAAAB__________95zfVbTi89CedzlYX4xkqg");
  const TokenIssuer issuer = testing::make_issuer(Algorithm::ES256);
  TokenVerifier verifier = testing::make_verifier(testing::all_test_keys());
  for (int i = 0; i < 200; ++i) {
    const std::string token = issuer.issue("alice", "cli", {"predict"}, kNow).access_token;
    const auto signature = base64url_decode(token.substr(token.rfind('.') + 1));
    ASSERT_TRUE(signature);
    ASSERT_EQ(signature->size(), 64u);
    EXPECT_LE(signature->substr(32), half_order) << token;
    EXPECT_THAT(verifier.verify(token, kNow), Succeeds());
    EXPECT_THAT(verifier.verify(testing::with_negated_s(token), kNow),
                FailsWith(TokenError::bad_signature));
  }
}

TEST(TokenIssuer, LifetimeIsBounded) {
  const auto make = [](std::int64_t lifetime) {
    return TokenIssuer::create(IssuerConfig{"i", "a", lifetime}, test_key(Algorithm::HS256));
  };
  EXPECT_FALSE(make(59));
  EXPECT_TRUE(make(60));
  EXPECT_TRUE(make(3600));
  EXPECT_FALSE(make(3601));
  EXPECT_FALSE(TokenIssuer::create(IssuerConfig{"", "a"}, test_key(Algorithm::HS256)));
  EXPECT_FALSE(TokenIssuer::create(IssuerConfig{"i", ""}, test_key(Algorithm::HS256)));
}

TEST(TokenVerifierConfig, RejectsUnsafeSettings) {
  const auto keys = testing::all_test_keys();
  EXPECT_FALSE(TokenVerifier::create(keys, VerifierConfig{"", "a"}));
  EXPECT_FALSE(TokenVerifier::create(keys, VerifierConfig{"i", ""}));
  EXPECT_FALSE(TokenVerifier::create(keys, VerifierConfig{"i", "a", -1}));
  EXPECT_FALSE(TokenVerifier::create(keys, VerifierConfig{"i", "a", 301}));
  EXPECT_FALSE(TokenVerifier::create(keys, VerifierConfig{"i", "a", 30, 100}));
  EXPECT_FALSE(TokenVerifier::create(nullptr, VerifierConfig{"i", "a"}));
  EXPECT_TRUE(TokenVerifier::create(keys, VerifierConfig{"i", "a", 0, 256}));
}

class VerifyClaims : public ::testing::Test {
 protected:
  boost::system::result<VerifiedToken, TokenError> verify_payload(std::string_view payload,
                                                                  std::int64_t now = kNow) {
    return verifier_.verify(
        sign_raw(test_key(Algorithm::ES256), header_json("ES256", "es"), payload), now);
  }
  boost::system::result<VerifiedToken, TokenError> verify_header(std::string_view header) {
    return verifier_.verify(sign_raw(test_key(Algorithm::ES256), header, claims_json()), kNow);
  }

  TokenVerifier verifier_ = testing::make_verifier(testing::all_test_keys());
};

// The grant type says whose namespace sub is in: a user and a client may share a name.
TEST_F(VerifyClaims, GtyGivesTheSubjectsNamespace) {
  std::string payload = claims_json();
  const auto user = verify_payload(payload);
  ASSERT_THAT(user, Succeeds());
  EXPECT_EQ(user->kind, SubjectKind::user);
  EXPECT_TRUE(user->issuer_name.empty());
  const std::size_t gty = payload.find("\"gty\":\"password\"");
  ASSERT_NE(gty, std::string::npos);
  payload.replace(gty, std::string_view("\"gty\":\"password\"").size(),
                  "\"gty\":\"client-credentials\"");
  const auto client = verify_payload(payload);
  ASSERT_THAT(client, Succeeds());
  EXPECT_EQ(client->kind, SubjectKind::client);
  // Anything else is refused rather than guessed into a namespace.
  for (const char* other : {"\"gty\":\"refresh_token\"", "\"gty\":\"\"", "\"gty\":1"}) {
    std::string changed = payload;
    changed.replace(gty, std::string_view("\"gty\":\"client-credentials\"").size(), other);
    EXPECT_FALSE(verify_payload(changed)) << changed;
  }
}

TEST(TokenIssuer, MarksTheGrantInGty) {
  const auto issuer = testing::make_issuer(Algorithm::HS256);
  auto verifier = testing::make_verifier(testing::all_test_keys(Algorithm::HS256));
  const auto user = verifier.verify(issuer.issue("alice", "web-app", {}, kNow).access_token, kNow);
  ASSERT_THAT(user, Succeeds());
  EXPECT_EQ(user->kind, SubjectKind::user);
  const auto client = verifier.verify(
      issuer.issue("alice", "alice", {}, kNow, TokenGrant::client_credentials).access_token, kNow);
  ASSERT_THAT(client, Succeeds());
  EXPECT_EQ(client->kind, SubjectKind::client);
  EXPECT_EQ(client->subject, user->subject) << "same name, different principals";
  const std::string token =
      issuer.issue("a", "c", {}, kNow, TokenGrant::client_credentials).access_token;
  const auto jws = *split_compact_jws(token);
  EXPECT_NE(base64url_decode(jws.payload)->find("\"gty\":\"client-credentials\""),
            std::string::npos);
}

TEST_F(VerifyClaims, ExpiryHonoursLeeway) {
  const std::string claims = claims_json();  // exp = kNow + 900, leeway 30
  EXPECT_TRUE(verify_payload(claims, kNow + 900 + 29));
  EXPECT_THAT(verify_payload(claims, kNow + 900 + 30), FailsWith(TokenError::expired));
}

TEST_F(VerifyClaims, NotBeforeHonoursLeeway) {
  const std::string claims = claims_json(kNow + 100);  // nbf = iat = kNow + 100
  EXPECT_THAT(verify_payload(claims, kNow + 69), FailsWith(TokenError::not_yet_valid));
  EXPECT_TRUE(verify_payload(claims, kNow + 70));
}

TEST_F(VerifyClaims, IssuedInTheFutureIsRejected) {
  const std::string payload = "{\"iss\":\"" + std::string(kIssuer) + "\",\"sub\":\"a\",\"aud\":\"" +
                              std::string(kAudience) + "\",\"iat\":" + std::to_string(kNow + 60) +
                              ",\"exp\":" + std::to_string(kNow + 900) +
                              ",\"jti\":\"j\",\"client_id\":\"c\",\"gty\":\"password\"}";
  EXPECT_THAT(verify_payload(payload), FailsWith(TokenError::issued_in_future));
}

TEST_F(VerifyClaims, AudienceArrayMustContainOurs) {
  const std::string base = "{\"iss\":\"" + std::string(kIssuer) +
                           "\",\"sub\":\"a\",\"iat\":" + std::to_string(kNow) +
                           ",\"exp\":" + std::to_string(kNow + 900) +
                           ",\"jti\":\"j\",\"client_id\":\"c\",\"gty\":\"password\",\"aud\":";
  EXPECT_TRUE(verify_payload(base + "[\"other\",\"" + std::string(kAudience) + "\"]}"));
  EXPECT_THAT(verify_payload(base + "[\"other\"]}"), FailsWith(TokenError::wrong_audience));
  EXPECT_THAT(verify_payload(base + "\"secure-ml-api2\"}"), FailsWith(TokenError::wrong_audience));
  EXPECT_THAT(verify_payload(base + "[]}"), FailsWith(TokenError::missing_claim));
  EXPECT_THAT(verify_payload(base + "[1]}"), FailsWith(TokenError::bad_json));
}

TEST_F(VerifyClaims, EveryRequiredClaimIsRequired) {
  for (const std::string claim : {"iss", "sub", "aud", "exp", "iat", "jti", "client_id", "gty"}) {
    std::string payload = claims_json();
    const std::size_t start = payload.find("\"" + claim + "\":");
    ASSERT_NE(start, std::string::npos) << claim;
    const std::size_t end = payload.find_first_of(",}", start);
    payload.erase(start, end - start + (payload[end] == ',' ? 1 : 0));
    if (payload[payload.size() - 2] == ',') payload.erase(payload.size() - 2, 1);
    EXPECT_THAT(verify_payload(payload), FailsWith(TokenError::missing_claim)) << payload;
  }
}

TEST_F(VerifyClaims, ScopeAndNbfAreOptional) {
  const std::string payload = "{\"iss\":\"" + std::string(kIssuer) + "\",\"sub\":\"a\",\"aud\":\"" +
                              std::string(kAudience) + "\",\"iat\":" + std::to_string(kNow) +
                              ",\"exp\":" + std::to_string(kNow + 900) +
                              ",\"jti\":\"j\",\"client_id\":\"c\",\"gty\":\"password\"}";
  const auto verified = verify_payload(payload);
  ASSERT_TRUE(verified);
  EXPECT_TRUE(verified->scopes.empty());
}

TEST_F(VerifyClaims, NumericDatesMayBeFractionalButNotStrings) {
  std::string payload = claims_json();
  const std::string exp = "\"exp\":" + std::to_string(kNow + 900);
  std::string fractional = payload;
  fractional.replace(fractional.find(exp), exp.size(), exp + ".75");
  EXPECT_EQ(verify_payload(fractional)->expires_at, kNow + 900);
  std::string quoted = payload;
  quoted.replace(quoted.find(exp), exp.size(), "\"exp\":\"" + std::to_string(kNow + 900) + "\"");
  EXPECT_THAT(verify_payload(quoted), FailsWith(TokenError::bad_json));
  std::string huge = payload;
  huge.replace(huge.find(exp), exp.size(), "\"exp\":9223372036854775807");
  EXPECT_THAT(verify_payload(huge), FailsWith(TokenError::bad_json));
}

TEST_F(VerifyClaims, UnknownClaimsAreIgnored) {
  std::string payload = claims_json();
  payload.insert(1, "\"extra\":{\"nested\":[1,2,{\"a\":null}]},");
  EXPECT_TRUE(verify_payload(payload));
}

TEST_F(VerifyClaims, TypAcceptsMediaTypeSpellings) {
  for (const std::string typ :
       {"at+jwt", "AT+JWT", "At+Jwt", "application/at+jwt", "Application/AT+JWT"}) {
    EXPECT_TRUE(verify_header("{\"alg\":\"ES256\",\"typ\":\"" + typ + "\",\"kid\":\"es\"}")) << typ;
  }
  for (const std::string typ : {"JWT", "jwt", "at+jwt ", "application/jwt", "at-jwt", ""}) {
    EXPECT_THAT(verify_header("{\"alg\":\"ES256\",\"typ\":\"" + typ + "\",\"kid\":\"es\"}"),
                FailsWith(TokenError::bad_typ))
        << typ;
  }
  EXPECT_THAT(verify_header("{\"alg\":\"ES256\",\"kid\":\"es\"}"), FailsWith(TokenError::bad_typ));
  EXPECT_THAT(verify_header("{\"alg\":\"ES256\",\"typ\":1,\"kid\":\"es\"}"),
              FailsWith(TokenError::bad_typ));
}

TEST_F(VerifyClaims, NonObjectJsonIsBadJson) {
  EXPECT_THAT(verify_payload("[1,2]"), FailsWith(TokenError::bad_json));
  EXPECT_THAT(verify_payload("{\"iss\":"), FailsWith(TokenError::bad_json));
  EXPECT_THAT(verify_payload("{\"sub\":\"\xff\xfe\"}"),
              FailsWith(TokenError::bad_json));  // bad UTF-8
  EXPECT_THAT(verify_header("not json"), FailsWith(TokenError::bad_json));
}

TEST(TokenError, EveryReasonHasAName) {
  for (int i = 0; i <= static_cast<int>(TokenError::missing_claim); ++i) {
    EXPECT_NE(to_string(static_cast<TokenError>(i)), "unknown");
    EXPECT_FALSE(describe(static_cast<TokenError>(i)).empty());
  }
}

}  // namespace
}  // namespace smlapi::auth
