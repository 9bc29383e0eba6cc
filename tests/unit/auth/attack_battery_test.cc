// The attack battery of issue 4 at library level: every forged, tampered or misdirected token is
// rejected, each for the expected reason.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "auth/base64url.h"
#include "auth/jws.h"
#include "result_matchers.h"
#include "test_support.h"

namespace smlapi::auth {
namespace {

using ::smlapi::result_testing::ErrorOf;

using testing::claims_json;
using testing::header_json;
using testing::kAudience;
using testing::kIssuer;
using testing::kNow;
using testing::sign_raw;
using testing::test_key;

class AttackBattery : public ::testing::Test {
 protected:
  TokenError rejection(std::string_view token, std::int64_t now = kNow) {
    const auto result = verifier_.verify(token, now);
    EXPECT_FALSE(result) << "accepted: " << token;
    return result ? TokenError::malformed : ErrorOf(result);
  }

  static std::string unsigned_token(std::string_view header, std::string_view payload,
                                    std::string_view signature = "") {
    return base64url_encode(header) + "." + base64url_encode(payload) + "." +
           std::string(signature);
  }

  static std::string valid_token(Algorithm algorithm = Algorithm::ES256) {
    return sign_raw(test_key(algorithm),
                    header_json(to_string(algorithm), test_key(algorithm).kid()), claims_json());
  }

  TokenVerifier verifier_ = testing::make_verifier(testing::all_test_keys());
};

TEST_F(AttackBattery, ControlTokenIsAccepted) {
  for (const auto algorithm :
       {Algorithm::HS256, Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA}) {
    EXPECT_TRUE(verifier_.verify(valid_token(algorithm), kNow)) << to_string(algorithm);
  }
}

TEST_F(AttackBattery, AlgNoneInAnyCaseIsRejected) {
  for (const std::string alg : {"none", "None", "NONE", "nOnE"}) {
    const std::string header = "{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\",\"kid\":\"es\"}";
    // With an empty signature the compact form itself is already refused ...
    EXPECT_EQ(rejection(unsigned_token(header, claims_json())), TokenError::malformed) << alg;
    // ... and with some signature bytes, the algorithm is.
    EXPECT_EQ(rejection(unsigned_token(header, claims_json(), "AAAA")), TokenError::unsupported_alg)
        << alg;
  }
}

TEST_F(AttackBattery, UnknownOrMissingAlgIsRejected) {
  for (const std::string header : {"{\"alg\":\"HS512\",\"typ\":\"at+jwt\",\"kid\":\"hs\"}",
                                   "{\"alg\":\"es256\",\"typ\":\"at+jwt\",\"kid\":\"es\"}",
                                   "{\"alg\":\"\",\"typ\":\"at+jwt\",\"kid\":\"es\"}",
                                   "{\"alg\":null,\"typ\":\"at+jwt\",\"kid\":\"es\"}",
                                   "{\"typ\":\"at+jwt\",\"kid\":\"es\"}"}) {
    EXPECT_EQ(rejection(sign_raw(test_key(Algorithm::HS256), header, claims_json())),
              TokenError::unsupported_alg)
        << header;
  }
}

TEST_F(AttackBattery, Hs256SignedWithTheRsaPublicKeyIsRejected) {
  // The classic confusion: sign HS256 using the RS256 public key PEM as the HMAC secret, and
  // name the RSA key. The key allows RS256 only.
  const std::string public_pem = *test_key(Algorithm::RS256).verification_key().public_pem();
  const auto forger = SigningKey::from_hs256_secret("rs", public_pem);
  ASSERT_TRUE(forger);
  EXPECT_EQ(rejection(sign_raw(*forger, header_json("HS256", "rs"), claims_json())),
            TokenError::alg_mismatch);
  // Also when the forger names an HS256 key: the signature is then simply wrong.
  const auto forger_hs = SigningKey::from_hs256_secret("hs", public_pem);
  EXPECT_EQ(rejection(sign_raw(*forger_hs, header_json("HS256", "hs"), claims_json())),
            TokenError::bad_signature);
}

TEST_F(AttackBattery, AlgDifferentFromTheKeysIsRejected) {
  EXPECT_EQ(
      rejection(sign_raw(test_key(Algorithm::EdDSA), header_json("ES256", "ed"), claims_json())),
      TokenError::alg_mismatch);
  EXPECT_EQ(
      rejection(sign_raw(test_key(Algorithm::ES256), header_json("RS256", "es"), claims_json())),
      TokenError::alg_mismatch);
}

TEST_F(AttackBattery, StrippedOrEmptySignatureIsRejected) {
  const std::string token = valid_token();
  const std::string without_signature = token.substr(0, token.rfind('.') + 1);
  EXPECT_EQ(rejection(without_signature), TokenError::malformed);
  EXPECT_EQ(rejection(token.substr(0, token.rfind('.'))), TokenError::malformed);
  EXPECT_EQ(rejection(without_signature + "AA"), TokenError::bad_signature);
}

TEST_F(AttackBattery, SignatureFromAnotherTokenIsRejected) {
  for (const auto algorithm :
       {Algorithm::HS256, Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA}) {
    const std::string token = valid_token(algorithm);
    const std::string other =
        sign_raw(test_key(algorithm), header_json(to_string(algorithm), test_key(algorithm).kid()),
                 claims_json(kNow - 1));
    const std::string spliced = token.substr(0, token.rfind('.')) + other.substr(other.rfind('.'));
    EXPECT_EQ(rejection(spliced), TokenError::bad_signature) << to_string(algorithm);
  }
}

// Every byte of the signature counts: a MAC or signature differing in its first or last byte
// only (a comparison that stops short, or skips a byte) is refused.
TEST_F(AttackBattery, SignatureDifferingInOneEdgeByteIsRejected) {
  for (const auto algorithm :
       {Algorithm::HS256, Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA}) {
    const std::string token = valid_token(algorithm);
    const std::size_t dot = token.rfind('.');
    const std::optional<std::string> signature = base64url_decode(token.substr(dot + 1));
    ASSERT_TRUE(signature.has_value());
    for (const std::size_t at : {std::size_t{0}, signature->size() - 1}) {
      std::string changed = *signature;
      changed[at] = static_cast<char>(changed[at] ^ 0x01);
      EXPECT_EQ(rejection(token.substr(0, dot + 1) + base64url_encode(changed)),
                TokenError::bad_signature)
          << to_string(algorithm) << " byte " << at;
    }
  }
}

TEST_F(AttackBattery, ModifiedPayloadIsRejected) {
  for (const auto algorithm :
       {Algorithm::HS256, Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA}) {
    const std::string token = valid_token(algorithm);
    const std::size_t first_dot = token.find('.');
    const std::size_t second_dot = token.rfind('.');
    std::string claims = claims_json();
    claims.replace(claims.find("predict"), 7, "admin");
    const std::string tampered =
        token.substr(0, first_dot + 1) + base64url_encode(claims) + token.substr(second_dot);
    EXPECT_EQ(rejection(tampered), TokenError::bad_signature) << to_string(algorithm);
  }
}

TEST_F(AttackBattery, ExpiredIsRejected) {
  EXPECT_EQ(rejection(valid_token(), kNow + 900 + 30), TokenError::expired);
  EXPECT_EQ(rejection(valid_token(), kNow + 100000), TokenError::expired);
}

TEST_F(AttackBattery, NotYetValidIsRejected) {
  const std::string token =
      sign_raw(test_key(Algorithm::ES256), header_json("ES256", "es"), claims_json(kNow + 3600));
  EXPECT_EQ(rejection(token), TokenError::not_yet_valid);
}

TEST_F(AttackBattery, WrongIssuerIsRejected) {
  std::string claims = claims_json();
  claims.replace(claims.find(kIssuer), kIssuer.size(), "https://evil.example");
  EXPECT_EQ(rejection(sign_raw(test_key(Algorithm::ES256), header_json("ES256", "es"), claims)),
            TokenError::wrong_issuer);
  // Exact comparison: no prefix, suffix or case folding.
  std::string suffixed = claims_json();
  suffixed.replace(suffixed.find(kIssuer), kIssuer.size(), std::string(kIssuer) + "/");
  EXPECT_EQ(rejection(sign_raw(test_key(Algorithm::ES256), header_json("ES256", "es"), suffixed)),
            TokenError::wrong_issuer);
}

TEST_F(AttackBattery, WrongAudienceIsRejected) {
  std::string claims = claims_json();
  claims.replace(claims.find("\"aud\":\"" + std::string(kAudience)), 7 + kAudience.size(),
                 "\"aud\":\"other-api");
  EXPECT_EQ(rejection(sign_raw(test_key(Algorithm::ES256), header_json("ES256", "es"), claims)),
            TokenError::wrong_audience);
}

TEST_F(AttackBattery, UnknownKidIsRejected) {
  EXPECT_EQ(
      rejection(sign_raw(test_key(Algorithm::ES256), header_json("ES256", "nope"), claims_json())),
      TokenError::unknown_kid);
  EXPECT_EQ(rejection(sign_raw(test_key(Algorithm::ES256), "{\"alg\":\"ES256\",\"typ\":\"at+jwt\"}",
                               claims_json())),
            TokenError::unknown_kid);
  EXPECT_EQ(rejection(sign_raw(test_key(Algorithm::ES256),
                               "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":7}", claims_json())),
            TokenError::unknown_kid);
}

TEST_F(AttackBattery, KidPathTraversalIsJustAnUnknownKid) {
  for (const std::string kid : {"../../../../dev/null", "/etc/passwd", "es/../es", "..%2Fes",
                                "es.pem", "es\\u0000", "es' OR '1'='1"}) {
    EXPECT_EQ(
        rejection(sign_raw(test_key(Algorithm::HS256), header_json("HS256", kid), claims_json())),
        TokenError::unknown_kid)
        << kid;
  }
}

TEST_F(AttackBattery, KeyCarryingHeadersAreRejected) {
  const std::string jwk = *test_key(Algorithm::ES256).verification_key().public_jwk_json();
  const std::vector<std::string> extras = {
      "\"jku\":\"https://evil.example/jwks.json\"", "\"x5u\":\"https://evil.example/cert.pem\"",
      "\"jwk\":" + jwk, "\"x5c\":[\"MIIB\"]", "\"crit\":[\"exp\"]"};
  for (const std::string& extra : extras) {
    const std::string header =
        "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"es\"," + extra + "}";
    EXPECT_EQ(rejection(sign_raw(test_key(Algorithm::ES256), header, claims_json())),
              TokenError::forbidden_header)
        << extra;
  }
}

TEST_F(AttackBattery, OversizeTokenIsRejectedBeforeParsing) {
  std::string claims = claims_json();
  claims.insert(1, "\"pad\":\"" + std::string(4000, 'x') + "\",");
  EXPECT_EQ(rejection(sign_raw(test_key(Algorithm::ES256), header_json("ES256", "es"), claims)),
            TokenError::too_large);
  EXPECT_EQ(rejection(std::string(100000, 'a')), TokenError::too_large);
}

TEST_F(AttackBattery, PaddedOrNonBase64UrlSegmentsAreRejected) {
  const std::string token = valid_token(Algorithm::HS256);  // 32-byte MAC: 43 chars, pad "="
  EXPECT_EQ(rejection(token + "="), TokenError::bad_base64);
  const std::size_t first_dot = token.find('.');
  std::string header_padded = token;
  const std::string header = token.substr(0, first_dot);
  if (header.size() % 4 != 0) {
    header_padded.insert(first_dot, std::string(4 - header.size() % 4, '='));
    EXPECT_EQ(rejection(header_padded), TokenError::bad_base64);
  }
  std::string with_space = token;
  with_space.insert(first_dot + 3, " ");
  EXPECT_EQ(rejection(with_space), TokenError::bad_base64);
  std::string standard_alphabet = token;
  standard_alphabet[first_dot + 2] = '+';
  EXPECT_EQ(rejection(standard_alphabet), TokenError::bad_base64);
  std::string with_newline = token;
  with_newline.insert(token.rfind('.') + 4, "\n");
  EXPECT_EQ(rejection(with_newline), TokenError::bad_base64);
}

TEST_F(AttackBattery, NonCompactFormsAreRejected) {
  const std::string token = valid_token();
  EXPECT_EQ(rejection(token + ".extra.parts"), TokenError::malformed);  // JWE-like, 5 parts
  EXPECT_EQ(rejection("." + token), TokenError::malformed);
  EXPECT_EQ(rejection(""), TokenError::malformed);
  EXPECT_EQ(rejection("{\"payload\":\"x\",\"signatures\":[]}"), TokenError::malformed);
}

TEST_F(AttackBattery, DuplicateClaimsAreRejected) {
  std::string claims = claims_json();
  claims.insert(claims.size() - 1, ",\"sub\":\"admin\"");
  EXPECT_EQ(rejection(sign_raw(test_key(Algorithm::ES256), header_json("ES256", "es"), claims)),
            TokenError::duplicate_claim);
  std::string escaped = claims_json();  // "s\u0075b" is "sub" once unescaped
  escaped.insert(escaped.size() - 1, ",\"s\\u0075b\":\"admin\"");
  EXPECT_EQ(rejection(sign_raw(test_key(Algorithm::ES256), header_json("ES256", "es"), escaped)),
            TokenError::duplicate_claim);
  EXPECT_EQ(
      rejection(sign_raw(test_key(Algorithm::ES256),
                         "{\"alg\":\"ES256\",\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"es\"}",
                         claims_json())),
      TokenError::duplicate_claim);
}

TEST_F(AttackBattery, EcdsaZeroAndOutOfRangeScalarsAreRejected) {
  const std::string token = valid_token(Algorithm::ES256);
  const std::string prefix = token.substr(0, token.rfind('.') + 1);
  const std::string zero(32, '\0');
  const std::string one = std::string(31, '\0') + '\x01';
  const std::string order(
      "\xff\xff\xff\xff\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff"
      "\xbc\xe6\xfa\xad\xa7\x17\x9e\x84\xf3\xb9\xca\xc2\xfc\x63\x25\x51",
      32);
  ASSERT_EQ(order.size(), 32u);
  for (const std::string& signature :
       {zero + zero, zero + one, one + zero, order + one, one + order, std::string(64, '\xff')}) {
    EXPECT_EQ(rejection(prefix + base64url_encode(signature)), TokenError::bad_signature);
  }
  // r or s replaced by r + n / s + n does not fit in 32 bytes; r||s with a DER signature
  // instead is the wrong length.
  EXPECT_EQ(rejection(prefix + base64url_encode(std::string(72, '\x30'))),
            TokenError::bad_signature);
}

// ECDSA malleability: (r, n-s) verifies mathematically whenever (r, s) does. The verifier accepts
// only s <= n/2, so exactly one of the two spellings of a valid signature passes.
TEST_F(AttackBattery, EcdsaHighSTwinOfAValidTokenIsRejected) {
  const std::string token = valid_token(Algorithm::ES256);
  ASSERT_TRUE(verifier_.verify(token, kNow));
  EXPECT_EQ(rejection(testing::with_negated_s(token)), TokenError::bad_signature);
}

TEST_F(AttackBattery, TokenFromARotatedOutKeyIsRejected) {
  // The old key signed the token; the new key set no longer contains it.
  const auto old_key = SigningKey::generate(Algorithm::ES256, "old");
  ASSERT_TRUE(old_key);
  const std::string token = sign_raw(*old_key, header_json("ES256", "old"), claims_json());
  auto with_old = KeySet::create({old_key->verification_key()}, test_key(Algorithm::ES256));
  auto both = testing::make_verifier(std::make_shared<const KeySet>(*std::move(with_old)));
  EXPECT_TRUE(both.verify(token, kNow)) << "during the rotation window the old key verifies";
  EXPECT_EQ(rejection(token), TokenError::unknown_kid);
}

TEST_F(AttackBattery, SameKidDifferentKeyIsRejected) {
  const auto impostor = SigningKey::generate(Algorithm::ES256, "es");
  EXPECT_EQ(rejection(sign_raw(*impostor, header_json("ES256", "es"), claims_json())),
            TokenError::bad_signature);
}

}  // namespace
}  // namespace smlapi::auth
