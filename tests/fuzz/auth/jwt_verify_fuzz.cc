// Arbitrary input against TokenVerifier with a fixed key set (HS256 "hs", ES256 "es", EdDSA
// "ed"). Two modes, so the fuzzer reaches code behind the signature check too:
//  - input not starting with '{': verified as a token string, as received from a client;
//  - input "<header JSON>\n<payload JSON>": signed with the HS256 key, then verified, which
//    exercises the header and claims parsers with a valid signature.
// Invariant: verification never crashes, and an accepted token satisfies the claim rules.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/jws.h"
#include "auth/token_verifier.h"
#include "fuzz_keys.h"

namespace {

using namespace smlapi::auth;

struct Fixture {
  Fixture() {
    hs = *SigningKey::from_hs256_secret("hs", fuzz::kHs256Secret);
    const auto es = *SigningKey::from_pem("es", fuzz::kEs256Pem);
    const auto ed = *SigningKey::from_pem("ed", fuzz::kEd25519Pem);
    auto keys = KeySet::create({es.verification_key(), ed.verification_key()}, *hs);
    if (!keys) std::abort();
    auto created = TokenVerifier::create(
        std::make_shared<const KeySet>(*std::move(keys)),
        VerifierConfig{std::string(fuzz::kIssuer), std::string(fuzz::kAudience)});
    if (!created) std::abort();
    verifier = std::make_unique<TokenVerifier>(*std::move(created));
  }
  std::optional<SigningKey> hs;
  std::unique_ptr<TokenVerifier> verifier;
};

// What the verifier promises about every token it accepts.
void check_accepted(const VerifiedToken& token) {
  const bool unexpired = fuzz::kNow < token.expires_at + kDefaultLeewaySeconds;
  const bool issued_in_past = token.issued_at <= fuzz::kNow + kDefaultLeewaySeconds;
  const bool has_identity =
      !token.subject.empty() && !token.jti.empty() && !token.client_id.empty();
  if (!unexpired || !issued_in_past || !has_identity) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string token;
  if (!input.empty() && input.front() == '{') {
    const std::size_t newline = input.find('\n');
    if (newline == std::string_view::npos) return 0;
    token = make_compact_jws(*fixture.hs, input.substr(0, newline), input.substr(newline + 1));
  } else {
    token = std::string(input);
  }
  const auto result = fixture.verifier->verify(token, fuzz::kNow);
  if (result) check_accepted(*result);
  return 0;
}
