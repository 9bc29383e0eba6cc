// Verification of access tokens from trusted external issuers (federation), with the local
// verifier's hard rules (token_verifier.h) and each issuer's own token shape (trusted_issuer.h):
//   1. size and compact form, strict base64url;
//   2. header: no jku/x5u/jwk/x5c/crit, an alg the issuer is trusted with, typ as configured,
//      kid present;
//   3. key lookup by kid in that issuer's keys only, and alg must equal the key's algorithm;
//   4. signature;
//   5. claims: exp required, nbf and iat (when present) with leeway, iss exactly the issuer's,
//      sub present, aud containing a configured audience (or, for a provider without aud, the
//      client among the allowed clients), token_use and jti as configured.
// The result is a VerifiedToken of kind external, named by the issuer's configured name, so its
// subjects never mix with local users or clients.
//
// Which issuer a token is checked against comes from its unverified iss (claimed_issuer());
// that only selects the keys and rules, and the signature then has to verify with a key of that
// issuer. NOT thread-safe, like TokenVerifier: one per worker.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>
#include <boost/system/result.hpp>

#include "auth/error.h"
#include "auth/federation/trusted_issuer.h"
#include "auth/jws.h"
#include "auth/key_set.h"
#include "auth/token_error.h"
#include "auth/token_verifier.h"

namespace smlapi::auth::federation {

inline constexpr std::size_t kMaxExternalSubjectBytes = 255;

class FederatedVerifier {
 public:
  // Fails on an issuer validate() refuses, two issuers with one name or iss, or limits as
  // TokenVerifier::create.
  static boost::system::result<FederatedVerifier, Error> create(std::vector<TrustedIssuer> issuers,
                                                                std::int64_t leeway_seconds,
                                                                std::size_t max_token_bytes);

  // The iss the token claims, before any check of it; nullopt when unreadable. The view is
  // valid until the next call on this verifier.
  std::optional<std::string_view> claimed_issuer(std::string_view token);

  // The index of the configured issuer whose iss is `iss`.
  std::optional<std::size_t> find_issuer(std::string_view iss) const;

  // `keys`: the current keys of issuers()[index] (never null).
  boost::system::result<VerifiedToken, TokenError> verify(std::string_view token, std::size_t index,
                                                          const KeySet& keys, std::int64_t now);

  const std::vector<TrustedIssuer>& issuers() const noexcept { return issuers_; }

 private:
  FederatedVerifier(std::vector<TrustedIssuer> issuers, std::int64_t leeway_seconds,
                    std::size_t max_token_bytes);

  boost::system::result<VerifiedToken, TokenError> check_claims(std::string_view payload_json,
                                                                const TrustedIssuer& issuer,
                                                                std::int64_t now);

  std::vector<TrustedIssuer> issuers_;
  std::int64_t leeway_seconds_;
  std::size_t max_token_bytes_;
  std::string peeked_issuer_;
  simdjson::dom::parser parser_;
  SignatureVerifier signatures_;
};

}  // namespace smlapi::auth::federation
