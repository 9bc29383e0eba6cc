// Federation's pure parts: the OIDC discovery document, the JWKS, https URLs, the trusted
// issuers file and the federated verifier with each provider's token shape.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "auth/base64url.h"
#include "auth/federation/discovery_document.h"
#include "auth/federation/federated_verifier.h"
#include "auth/federation/https_url.h"
#include "auth/federation/jwks.h"
#include "auth/federation/trusted_issuer.h"
#include "auth/jws.h"
#include "result_matchers.h"

namespace smlapi::auth::federation {
namespace {

using ::smlapi::result_testing::ErrorOf;
using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::Succeeds;
using ::smlapi::result_testing::ValueOf;
using ::testing::HasSubstr;

constexpr std::int64_t kNow = 1'800'000'000;
const std::string kIssuer = "https://idp.example/realms/test";
constexpr std::array<Algorithm, 2> kBoth = {Algorithm::RS256, Algorithm::ES256};

// --- discovery

TEST(Discovery, ReadsIssuerAndHttpsJwksUri) {
  simdjson::dom::parser parser;
  const auto document = ValueOf(parse_discovery_document(
      parser, R"({"issuer":")" + kIssuer + R"(","jwks_uri":"https://idp.example:8443/certs?x=1"})",
      kIssuer));
  EXPECT_EQ(document.jwks_uri.host, "idp.example");
  EXPECT_EQ(document.jwks_uri.port, 8443);
  EXPECT_EQ(document.jwks_uri.target, "/certs?x=1");
}

TEST(Discovery, IssuerMustBeExactlyTheConfiguredOne) {
  simdjson::dom::parser parser;
  const std::vector<std::string> others = {kIssuer + "/", "https://IDP.example/realms/test",
                                           "https://idp.example/realms/test2", ""};
  for (const std::string& other : others) {
    const auto error = ErrorOf(parse_discovery_document(
        parser, R"({"issuer":")" + other + R"(","jwks_uri":"https://idp.example/certs"})",
        kIssuer));
    EXPECT_THAT(error.message, HasSubstr("another issuer")) << other;
  }
}

TEST(Discovery, JwksUriMustBeHttps) {
  simdjson::dom::parser parser;
  for (const char* uri : {"http://idp.example/certs", "file:///etc/passwd", "//idp.example/certs",
                          "https://user:pw@idp.example/certs", "https:///certs"}) {
    const auto error = ErrorOf(parse_discovery_document(
        parser, R"({"issuer":")" + kIssuer + R"(","jwks_uri":")" + uri + R"("})", kIssuer));
    EXPECT_THAT(error.message, HasSubstr("jwks_uri")) << uri;
  }
}

TEST(Discovery, RefusesDuplicatesAndMissingMembers) {
  simdjson::dom::parser parser;
  EXPECT_FALSE(parse_discovery_document(parser, R"({"issuer":"a","issuer":"a"})", "a"));
  EXPECT_FALSE(parse_discovery_document(parser, R"({"issuer":"a"})", "a"));
  EXPECT_FALSE(parse_discovery_document(parser, R"([])", "a"));
  EXPECT_EQ(discovery_url_of("https://a.example/x/"),
            "https://a.example/x/.well-known/openid-configuration");
}

// --- URLs

TEST(HttpsUrl, SplitsHostPortAndTarget) {
  const auto url = ValueOf(parse_https_url("https://[::1]:9443"));
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 9443);
  EXPECT_EQ(url.target, "/");
  EXPECT_EQ(url.authority(), "[::1]:9443");
  EXPECT_FALSE(parse_https_url("https://a.example:0/"));
  EXPECT_FALSE(parse_https_url("https://a.example:65536/"));
  EXPECT_FALSE(parse_https_url("https://a.example/#frag"));
  EXPECT_FALSE(parse_https_url("https://a.example/\r\nHost: evil"));
  EXPECT_FALSE(parse_https_url("HTTPS://a.example/"));
}

// --- JWKS

std::string jwk_of(const SigningKey& key) { return *key.verification_key().public_jwk_json(); }

TEST(Jwks, ReadsRsaAndP256Keys) {
  const auto rsa = ValueOf(SigningKey::generate(Algorithm::RS256, "rsa-1", 2048));
  const auto ec = ValueOf(SigningKey::generate(Algorithm::ES256, "ec-1"));
  simdjson::dom::parser parser;
  const auto parsed =
      ValueOf(parse_jwks(parser, R"({"keys":[)" + jwk_of(rsa) + "," + jwk_of(ec) + "]}", kBoth));
  ASSERT_EQ(parsed.keys.size(), 2U);
  EXPECT_EQ(parsed.skipped, 0U);
  EXPECT_TRUE(have_same_key_material(parsed.keys[0], rsa.verification_key()));
  EXPECT_TRUE(have_same_key_material(parsed.keys[1], ec.verification_key()));
}

TEST(Jwks, SkipsKeysThatAreNotUsableSignatureKeys) {
  const auto rsa = ValueOf(SigningKey::generate(Algorithm::RS256, "rsa-1", 2048));
  const auto ed = ValueOf(SigningKey::generate(Algorithm::EdDSA, "ed-1"));
  std::string jwk = jwk_of(rsa);
  const auto with = [&](std::string_view from, std::string_view to) {
    std::string changed = jwk;
    changed.replace(changed.find(from), from.size(), to);
    return changed;
  };
  // An encryption key under a kid of its own (so only `use` can skip it).
  std::string encryption_key = with("\"use\":\"sig\"", "\"use\":\"enc\"");
  encryption_key.replace(encryption_key.find("\"rsa-1\""), 7, "\"rsa-2\"");
  const std::string keys = R"({"keys":[)" + jwk + "," + encryption_key + "," +
                           with("\"alg\":\"RS256\"", "\"alg\":\"PS256\"") + "," +
                           with("\"kid\":\"rsa-1\"", "\"kid\":\"\"") + "," + jwk_of(ed) + "," +
                           with("\"kty\":\"RSA\"", "\"kty\":\"oct\"") +
                           R"(,{"kty":"EC","crv":"P-384","kid":"x"},7]})";
  simdjson::dom::parser parser;
  const auto parsed = ValueOf(parse_jwks(parser, keys, kBoth));
  ASSERT_EQ(parsed.keys.size(), 1U);
  EXPECT_EQ(parsed.keys[0].kid(), "rsa-1");
  EXPECT_EQ(parsed.skipped, 7U);
}

TEST(Jwks, SkipsAlgorithmsTheIssuerIsNotTrustedWith) {
  const auto rsa = ValueOf(SigningKey::generate(Algorithm::RS256, "rsa-1", 2048));
  simdjson::dom::parser parser;
  constexpr std::array<Algorithm, 1> kEcOnly = {Algorithm::ES256};
  EXPECT_FALSE(parse_jwks(parser, R"({"keys":[)" + jwk_of(rsa) + "]}", kEcOnly));
}

TEST(Jwks, RefusesShortRsaKeysAndPointsOffTheCurve) {
  simdjson::dom::parser parser;
  // A 1024-bit modulus (128 bytes of 0xff... is odd enough for the parser; the size decides).
  const std::string n1024 = base64url_encode(std::string(128, '\xc5'));
  EXPECT_FALSE(parse_jwks(
      parser, R"({"keys":[{"kty":"RSA","kid":"short","n":")" + n1024 + R"(","e":"AQAB"}]})",
      kBoth));
  const std::string x = base64url_encode(std::string(32, '\x01'));
  EXPECT_FALSE(parse_jwks(
      parser,
      R"({"keys":[{"kty":"EC","crv":"P-256","kid":"off","x":")" + x + R"(","y":")" + x + R"("}]})",
      kBoth));
}

TEST(Jwks, DuplicateKidsKeepTheFirstOnly) {
  const auto a = ValueOf(SigningKey::generate(Algorithm::ES256, "same"));
  const auto b = ValueOf(SigningKey::generate(Algorithm::ES256, "same"));
  simdjson::dom::parser parser;
  const auto parsed =
      ValueOf(parse_jwks(parser, R"({"keys":[)" + jwk_of(a) + "," + jwk_of(b) + "]}", kBoth));
  ASSERT_EQ(parsed.keys.size(), 1U);
  EXPECT_TRUE(have_same_key_material(parsed.keys[0], a.verification_key()));
}

TEST(Jwks, BoundsSizeAndCount) {
  simdjson::dom::parser parser;
  std::string many = R"({"keys":[)";
  for (std::size_t i = 0; i <= kMaxJwksKeys; ++i) many += i == 0 ? "{}" : ",{}";
  many += "]}";
  EXPECT_THAT(ErrorOf(parse_jwks(parser, many, kBoth)).message, HasSubstr("too many"));
  EXPECT_THAT(ErrorOf(parse_jwks(parser, std::string(kMaxJwksBytes + 1, ' '), kBoth)).message,
              HasSubstr("too large"));
  EXPECT_FALSE(parse_jwks(parser, R"({"keys":[]})", kBoth));
}

// --- trusted issuers file

TEST(TrustedIssuers, ReadsEveryMember) {
  simdjson::dom::parser parser;
  const auto issuers = ValueOf(parse_trusted_issuers(parser, R"([{
    "name":"cognito","issuer":"https://cognito-idp.example/pool","allowed_clients":["app"],
    "typ":[],"allow_missing_typ":true,"scope_claims":["scope"],"scope_prefix":"api/",
    "client_claims":["client_id"],"token_use":"access","require_jti":true,
    "algorithms":["RS256"],"jwks_url":"https://cognito-idp.example/pool/jwks.json"}])"));
  ASSERT_EQ(issuers.size(), 1U);
  EXPECT_EQ(issuers[0].allowed_clients, std::vector<std::string>{"app"});
  EXPECT_TRUE(issuers[0].allow_missing_typ);
  EXPECT_TRUE(issuers[0].typs.empty());
  EXPECT_EQ(issuers[0].token_use, "access");
  EXPECT_TRUE(issuers[0].require_jti);
}

TEST(TrustedIssuers, RefusesWhatWouldWeakenAcheck) {
  simdjson::dom::parser parser;
  const std::string base = R"("name":"x","issuer":"https://a.example/x")";
  for (const std::string& body : std::vector<std::string>{
           base,                                                   // neither audiences nor clients
           base + R"(,"audience":["a"])",                          // misspelt member
           base + R"(,"audiences":["a"],"algorithms":["HS256"])",  // symmetric: key confusion
           base + R"(,"audiences":["a"],"algorithms":["none"])",
           base + R"(,"audiences":[""])",
           base + R"(,"audiences":["a"],"typ":[])",  // no typ at all accepted
           base + R"(,"audiences":["a"],"jwks_url":"http://a.example/jwks")",
           std::string(R"("name":"x","issuer":"http://a.example/x","audiences":["a"])"),
           base + R"(,"audiences":["a"],"scope_claims":["a..b"])",
       }) {
    EXPECT_FALSE(parse_trusted_issuers(parser, "[{" + body + "}]")) << body;
  }
  EXPECT_FALSE(parse_trusted_issuers(
      parser, "[{" + base + R"(,"audiences":["a"]},{)" + base + R"(,"audiences":["b"]}])"));
}

// --- the verifier

struct Shape {
  TrustedIssuer issuer;
  std::string header;
  std::string payload;
};

class FederatedVerify : public ::testing::Test {
 protected:
  FederatedVerify()
      : rsa_(ValueOf(SigningKey::generate(Algorithm::RS256, "k1", 2048))),
        ec_(ValueOf(SigningKey::generate(Algorithm::ES256, "e1"))) {
    simdjson::dom::parser parser;
    // Providers' kids are wider than ours: Cognito's end in '='.
    std::string rsa_jwk = jwk_of(rsa_);
    rsa_jwk.replace(rsa_jwk.find(R"("kid":"k1")"), 10, R"("kid":"k1=")");
    auto parsed =
        ValueOf(parse_jwks(parser, R"({"keys":[)" + rsa_jwk + "," + jwk_of(ec_) + "]}", kBoth));
    keys_ = std::make_shared<const KeySet>(
        ValueOf(KeySet::create(std::move(parsed.keys), std::nullopt)));
  }

  boost::system::result<VerifiedToken, TokenError> verify(const TrustedIssuer& issuer,
                                                          const std::string& header,
                                                          const std::string& payload,
                                                          const SigningKey* key = nullptr) {
    auto verifier = ValueOf(FederatedVerifier::create({issuer}, 30, 16384));
    const std::string token = make_compact_jws(key ? *key : rsa_, header, payload);
    const auto claimed = verifier.claimed_issuer(token);
    if (!claimed || verifier.find_issuer(*claimed) != 0U) return TokenError::wrong_issuer;
    return verifier.verify(token, 0, *keys_, kNow);
  }

  static std::string times() {
    return R"("iat":)" + std::to_string(kNow - 10) + R"(,"exp":)" + std::to_string(kNow + 300);
  }

  SigningKey rsa_;
  SigningKey ec_;
  std::shared_ptr<const KeySet> keys_;
};

TrustedIssuer keycloak() {
  TrustedIssuer issuer;
  issuer.name = "keycloak";
  issuer.issuer = kIssuer;
  issuer.audiences = {"api"};
  issuer.typs = {"JWT"};
  issuer.scope_claims = {"scope", "realm_access.roles"};
  issuer.client_claims = {"azp"};
  return issuer;
}

TEST_F(FederatedVerify, KeycloakShape) {
  const auto token = ValueOf(verify(keycloak(), R"({"alg":"RS256","typ":"JWT","kid":"k1="})",
                                    R"({"iss":")" + kIssuer +
                                        R"(","sub":"u-1","aud":["account","api"],"azp":"app",)"
                                        R"("scope":"profile predict",)" +
                                        times() + "}"));
  EXPECT_EQ(token.kind, SubjectKind::external);
  EXPECT_EQ(token.issuer_name, "keycloak");
  EXPECT_EQ(token.subject, "u-1");
  EXPECT_EQ(token.client_id, "app");
  EXPECT_EQ(token.kid, "k1=");
  EXPECT_TRUE(token.has_scope("predict"));
  EXPECT_TRUE(token.jti.empty());
}

TEST_F(FederatedVerify, NestedRolesAndScpArrays) {
  TrustedIssuer issuer = keycloak();
  issuer.scope_claims = {"realm_access.roles"};
  auto token = ValueOf(verify(
      issuer, R"({"alg":"RS256","typ":"JWT","kid":"k1="})",
      R"({"iss":")" + kIssuer + R"(","sub":"u","aud":"api","realm_access":{"roles":["predict"]},)" +
          times() + "}"));
  EXPECT_TRUE(token.has_scope("predict"));
  issuer.scope_claims = {"scp"};
  issuer.client_claims = {"cid"};
  issuer.typs = {};
  issuer.allow_missing_typ = true;
  token = ValueOf(verify(issuer, R"({"alg":"ES256","kid":"e1"})",
                         R"({"iss":")" + kIssuer +
                             R"(","sub":"u","aud":"api","cid":"okta-app","scp":["predict","x"],)" +
                             times() + "}",
                         &ec_));
  EXPECT_TRUE(token.has_scope("predict"));
  EXPECT_EQ(token.client_id, "okta-app");
}

TEST_F(FederatedVerify, CognitoShapeWithoutAud) {
  TrustedIssuer issuer = keycloak();
  issuer.audiences.clear();
  issuer.allowed_clients = {"app"};
  issuer.client_claims = {"client_id"};
  issuer.typs.clear();
  issuer.allow_missing_typ = true;
  issuer.token_use = "access";
  issuer.scope_prefix = "api/";
  const std::string header = R"({"alg":"RS256","kid":"k1="})";
  const auto payload = [&](std::string_view client, std::string_view use) {
    return R"({"iss":")" + kIssuer + R"(","sub":"s","client_id":")" + std::string(client) +
           R"(","token_use":")" + std::string(use) + R"(","scope":"api/predict other",)" + times() +
           "}";
  };
  const auto token = ValueOf(verify(issuer, header, payload("app", "access")));
  EXPECT_EQ(token.scopes, std::vector<std::string>{"predict"});
  EXPECT_THAT(verify(issuer, header, payload("other-app", "access")),
              FailsWith(TokenError::wrong_audience));
  EXPECT_THAT(verify(issuer, header, payload("app", "id")), FailsWith(TokenError::bad_typ));
}

TEST_F(FederatedVerify, RefusesWhatTheLocalVerifierRefuses) {
  const TrustedIssuer issuer = keycloak();
  const std::string good = R"({"iss":")" + kIssuer + R"(","sub":"u","aud":"api",)" + times() + "}";
  const auto header = [](std::string_view extra) {
    return R"({"alg":"RS256","typ":"JWT","kid":"k1=")" + std::string(extra) + "}";
  };
  EXPECT_THAT(verify(issuer, header(""), good), Succeeds());
  EXPECT_THAT(verify(issuer, header(R"(,"jku":"https://evil/jwks")"), good),
              FailsWith(TokenError::forbidden_header));
  EXPECT_THAT(verify(issuer, header(R"(,"crit":["b64"])"), good),
              FailsWith(TokenError::forbidden_header));
  EXPECT_THAT(verify(issuer, R"({"alg":"RS256","typ":"at+jwt","kid":"k1="})", good),
              FailsWith(TokenError::bad_typ));
  EXPECT_THAT(verify(issuer, R"({"alg":"RS256","kid":"k1="})", good),
              FailsWith(TokenError::bad_typ));
  EXPECT_THAT(verify(issuer, R"({"alg":"RS256","typ":"JWT","kid":"nope"})", good),
              FailsWith(TokenError::unknown_kid));
  EXPECT_THAT(verify(issuer, R"({"alg":"ES256","typ":"JWT","kid":"k1="})", good),
              FailsWith(TokenError::alg_mismatch));
  EXPECT_THAT(verify(issuer, R"({"alg":"RS256","typ":"JWT","kid":"e1"})", good),
              FailsWith(TokenError::alg_mismatch));
  EXPECT_THAT(verify(issuer, header(""), good, &ec_), FailsWith(TokenError::bad_signature));
  const std::string base = R"({"iss":")" + kIssuer + R"(","sub":"u",)";
  EXPECT_THAT(verify(issuer, header(""), base + R"("aud":"other",)" + times() + "}"),
              FailsWith(TokenError::wrong_audience));
  EXPECT_THAT(
      verify(issuer, header(""), base + R"("aud":"api","exp":)" + std::to_string(kNow - 31) + "}"),
      FailsWith(TokenError::expired));
  EXPECT_THAT(
      verify(issuer, header(""),
             base + R"("aud":"api","nbf":)" + std::to_string(kNow + 31) + "," + times() + "}"),
      FailsWith(TokenError::not_yet_valid));
  EXPECT_THAT(
      verify(issuer, header(""), R"({"iss":")" + kIssuer + R"(","aud":"api",)" + times() + "}"),
      FailsWith(TokenError::missing_claim));
  TrustedIssuer ec_only = issuer;  // the key set holds an RSA key all the same
  ec_only.algorithms = {Algorithm::ES256};
  EXPECT_THAT(verify(ec_only, header(""), good), FailsWith(TokenError::unsupported_alg));
  TrustedIssuer with_jti = issuer;
  with_jti.require_jti = true;
  EXPECT_THAT(verify(with_jti, header(""), good), FailsWith(TokenError::missing_claim));
}

TEST_F(FederatedVerify, OnlyTheConfiguredIssuerIsFound) {
  auto verifier = ValueOf(FederatedVerifier::create({keycloak()}, 30, 16384));
  const std::string token =
      make_compact_jws(rsa_, R"({"alg":"RS256","typ":"JWT","kid":"k1="})",
                       R"({"iss":")" + kIssuer + R"(/","sub":"u","aud":"api",)" + times() + "}");
  const auto claimed = verifier.claimed_issuer(token);
  ASSERT_TRUE(claimed.has_value());
  EXPECT_FALSE(verifier.find_issuer(*claimed).has_value());
  // Routed to the issuer anyway (as a bug would), the iss check still refuses it.
  EXPECT_THAT(verifier.verify(token, 0, *keys_, kNow), FailsWith(TokenError::wrong_issuer));
}

}  // namespace
}  // namespace smlapi::auth::federation
