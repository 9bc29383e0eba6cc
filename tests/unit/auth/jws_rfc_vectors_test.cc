// The published JWS examples verify with the JWS layer: RFC 7515 Appendix A.1 (HS256),
// A.2 (RS256), A.3 (ES256) and RFC 8037 Appendix A.4 (Ed25519). The keys are the RFCs' JWKs,
// converted to PEM once with python3-cryptography. These examples are not at+jwt access tokens,
// so the full verifier must refuse them for their header (bad_typ) even with the right key.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/base64url.h"
#include "auth/jws.h"
#include "auth/key_set.h"
#include "auth/token_verifier.h"
#include "result_matchers.h"
#include "test_support.h"

namespace smlapi::auth {
namespace {

using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::Succeeds;

constexpr std::string_view kA1Token =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlf"
    "Q"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view kA1KeyBase64Url =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

constexpr std::string_view kA2Token =
    "eyJhbGciOiJSUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlf"
    "Q"
    ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5"
    "jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1"
    "L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYE"
    "UipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
constexpr std::string_view kA2PublicPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAofgWCuLjybRlzo0tZWJj\n"
    "NiuSfb4p4fAkd/wWJcyQoTbji9k0l8W26mPddxHmfHQp+Vaw+4qPCJrcS2mJPMEz\n"
    "P1Pt0Bm4d4QlL+yRT+SFd2lZS+pCgNMsD1W/YpRPEwOWvG6b32690r2jZ47soMZo\n"
    "9wGzjb/7OMg0LOL+bSf63kpaSHSXndS5z5rexMdbBYUsLA9e+KXBdQOS+UTo7WTB\n"
    "EMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6/I5IhlJH7aGhyxX\n"
    "FvUK+DWNmoudF8NAco9/h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXp\n"
    "oQIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

constexpr std::string_view kA3Token =
    "eyJhbGciOiJFUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlf"
    "Q"
    ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
constexpr std::string_view kA3PrivatePem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjpsQnnGQmL+YBIff\n"
    "H1136cspYG6+0iY7X1fCE9+E9LKhRANCAAR/zc4ncPbEXUGDy+5v20t7WAczNXvp\n"
    "7xO6z248e9FURcfxRM0bvZt+hyzf7bnuufSzaV1uqQskrYpGIyiFiOWt\n"
    "-----END PRIVATE KEY-----\n";

constexpr std::string_view kRfc8037Token =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
    ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
constexpr std::string_view kRfc8037PrivatePem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";

bool verifies(const VerificationKey& key, std::string_view token) {
  const auto jws = split_compact_jws(token);
  if (!jws) return false;
  const auto signature = base64url_decode(jws->signature);
  if (!signature) return false;
  SignatureVerifier verifier;
  return verifier.verify(key, jws->signing_input, *signature);
}

std::string flip_last_signature_char(std::string_view token) {
  std::string changed(token);
  // Change a character in the middle of the signature segment (the last one may carry only
  // padding bits).
  const std::size_t position = changed.rfind('.') + 5;
  changed[position] = changed[position] == 'A' ? 'B' : 'A';
  return changed;
}

VerificationKey a1_key() {
  return *VerificationKey::from_hs256_secret("a1", *base64url_decode(kA1KeyBase64Url));
}

TEST(JwsRfcVectors, Rfc7515A1Hs256Verifies) {
  const auto key = a1_key();
  EXPECT_TRUE(verifies(key, kA1Token));
  EXPECT_FALSE(verifies(key, flip_last_signature_char(kA1Token)));
}

TEST(JwsRfcVectors, ReusedHmacContextGivesTheSameAnswersInAnyOrder) {
  const auto key = a1_key();
  const auto jws = *split_compact_jws(kA1Token);
  const std::string good = *base64url_decode(jws.signature);
  std::string bad = good;
  bad[0] = static_cast<char>(bad[0] ^ 1);
  SignatureVerifier verifier;
  for (int round = 0; round < 3; ++round) {
    EXPECT_TRUE(verifier.verify(key, jws.signing_input, good));
    EXPECT_FALSE(verifier.verify(key, jws.signing_input, bad));
    EXPECT_FALSE(verifier.verify(key, std::string(jws.signing_input) + "x", good));
  }
}

TEST(SignatureVerifier, ManyHmacKeysEachVerifyOnlyTheirOwnTokens) {
  // More keys than the verifier caches contexts for: eviction must not mix keys up.
  std::vector<SigningKey> keys;
  for (int i = 0; i < 40; ++i) {
    keys.push_back(*SigningKey::from_hs256_secret("k" + std::to_string(i),
                                                  std::string(32, static_cast<char>('A' + i))));
  }
  SignatureVerifier verifier;
  const std::string input = "header.payload";
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const std::string signature = sign_jws(keys[i], input);
      EXPECT_TRUE(verifier.verify(keys[i].verification_key(), input, signature)) << i;
      const auto& other = keys[(i + 1) % keys.size()];
      EXPECT_FALSE(verifier.verify(other.verification_key(), input, signature)) << i;
    }
  }
}

TEST(JwsRfcVectors, Rfc7515A1SigningReproducesTheSignature) {
  const auto key = *SigningKey::from_hs256_secret("a1", *base64url_decode(kA1KeyBase64Url));
  const auto jws = *split_compact_jws(kA1Token);
  EXPECT_EQ(base64url_encode(sign_jws(key, jws.signing_input)), jws.signature);
}

TEST(JwsRfcVectors, Rfc7515A2Rs256Verifies) {
  const auto key = VerificationKey::from_pem("a2", kA2PublicPem);
  ASSERT_THAT(key, Succeeds());
  EXPECT_EQ(key->algorithm(), Algorithm::RS256);
  EXPECT_TRUE(verifies(*key, kA2Token));
  EXPECT_FALSE(verifies(*key, flip_last_signature_char(kA2Token)));
}

// The published A.3 signature happens to be high-S (s > n/2), a spelling we refuse: its low-S
// twin r||(n-s), the same signature, verifies.
TEST(JwsRfcVectors, Rfc7515A3Es256VerifiesInItsLowSSpelling) {
  const auto key = VerificationKey::from_pem("a3", kA3PrivatePem);
  ASSERT_THAT(key, Succeeds());
  EXPECT_EQ(key->algorithm(), Algorithm::ES256);
  EXPECT_FALSE(verifies(*key, kA3Token));
  const std::string low_s = testing::with_negated_s(kA3Token);
  EXPECT_TRUE(verifies(*key, low_s));
  EXPECT_FALSE(verifies(*key, flip_last_signature_char(low_s)));
}

TEST(JwsRfcVectors, Rfc7515A3JwkMatchesThePublishedCoordinates) {
  const auto key = *VerificationKey::from_pem("a3", kA3PrivatePem);
  const std::string jwk = *key.public_jwk_json();
  EXPECT_NE(jwk.find("\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\""), std::string::npos);
  EXPECT_NE(jwk.find("\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\""), std::string::npos);
  EXPECT_NE(jwk.find("\"crv\":\"P-256\""), std::string::npos);
}

TEST(JwsRfcVectors, Rfc8037Ed25519VerifiesAndSigningIsDeterministic) {
  const auto signing = SigningKey::from_pem("ed", kRfc8037PrivatePem);
  ASSERT_THAT(signing, Succeeds());
  EXPECT_EQ(signing->algorithm(), Algorithm::EdDSA);
  const auto key = signing->verification_key();
  EXPECT_TRUE(verifies(key, kRfc8037Token));
  EXPECT_FALSE(verifies(key, flip_last_signature_char(kRfc8037Token)));

  const auto jws = *split_compact_jws(kRfc8037Token);
  EXPECT_EQ(base64url_encode(sign_jws(*signing, jws.signing_input)), jws.signature);
  EXPECT_NE(key.public_jwk_json()->find("\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\""),
            std::string::npos);
}

TEST(JwsRfcVectors, KeyOfAnotherAlgorithmNeverVerifies) {
  // The A.2 token checked with the A.3 key: the key's own algorithm (ES256) is used, so the RSA
  // signature (256 bytes) is refused.
  const auto es_key = *VerificationKey::from_pem("a3", kA3PrivatePem);
  EXPECT_FALSE(verifies(es_key, kA2Token));
}

TEST(JwsRfcVectors, AccessTokenProfileRefusesPlainJwts) {
  // Right key, valid signature, but no kid and typ is not at+jwt: the profile layer refuses.
  auto keys = KeySet::create({a1_key()}, std::nullopt);
  ASSERT_TRUE(keys);
  auto verifier = TokenVerifier::create(std::make_shared<const KeySet>(*std::move(keys)),
                                        VerifierConfig{"joe", "aud"});
  ASSERT_TRUE(verifier);
  const auto result = verifier->verify(kA1Token, 1300819000);
  ASSERT_FALSE(result);
  EXPECT_THAT(result, FailsWith(TokenError::bad_typ));
}

}  // namespace
}  // namespace smlapi::auth
