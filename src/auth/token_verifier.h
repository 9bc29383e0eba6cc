// Verification of bearer access tokens (RFC 9068 profile, RFC 8725 best practices), in this
// order, stopping at the first failure:
//   1. size and compact form, strict base64url;
//   2. header: JSON object without duplicates, no jku/x5u/jwk/x5c/crit, known alg, typ at+jwt;
//   3. key lookup by kid, and alg must equal the key's one algorithm;
//   4. signature;
//   5. claims (only now is the payload parsed): exp/nbf/iat with leeway, iss and aud exact,
//      sub, client_id and jti present, gty "password" (kind user) or "client-credentials"
//      (kind client); a token without gty is refused (missing_claim, see token_verifier.cc).
// Revocation (the jti deny-list) is checked by the caller with a RevocationStore.
//
// NOT thread-safe: a verifier owns a JSON parser and signature contexts that it reuses, which
// keeps verification allocation-free in the common case. Create one per thread (or per
// connection); they are cheap, and share one immutable KeySet.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>
#include <boost/system/result.hpp>

#include "auth/error.h"
#include "auth/jws.h"
#include "auth/key_set.h"
#include "auth/token_error.h"

namespace smlapi::auth {

inline constexpr std::size_t kDefaultMaxTokenBytes = 4096;
inline constexpr std::size_t kMinConfigurableTokenBytes = 256;  // bounds of max_token_bytes
inline constexpr std::size_t kMaxConfigurableTokenBytes = 65536;
inline constexpr std::int64_t kDefaultLeewaySeconds = 30;
inline constexpr std::int64_t kMaxLeewaySeconds = 300;

struct VerifierConfig {
  std::string issuer;                                   // exact match of iss
  std::string audience;                                 // must equal aud or be one of its elements
  std::int64_t leeway_seconds = kDefaultLeewaySeconds;  // clock skew allowed on exp/nbf/iat
  std::size_t max_token_bytes = kDefaultMaxTokenBytes;
};

// Whose token it is. Users, clients and each external issuer's subjects are disjoint
// namespaces: "alice" the user and "alice" the client are different principals.
enum class SubjectKind : std::uint8_t {
  user,      // the local issuer, password grant
  client,    // the local issuer, client_credentials grant
  external,  // a trusted external issuer (federation); issuer_name says which
};

struct VerifiedToken {
  SubjectKind kind = SubjectKind::user;
  std::string issuer_name;  // empty for the local issuer, else the configured issuer's name
  std::string subject;
  std::string client_id;
  std::string jti;
  std::string kid;
  std::vector<std::string> scopes;
  std::int64_t expires_at = 0;
  std::int64_t issued_at = 0;

  bool has_scope(std::string_view scope) const noexcept;
};

class TokenVerifier {
 public:
  // Fails on an empty issuer or audience, a leeway outside [0, 300] s, or a maximum size
  // outside [256, 65536] bytes.
  static boost::system::result<TokenVerifier, Error> create(std::shared_ptr<const KeySet> keys,
                                                            VerifierConfig config);

  // `now`: Unix time in seconds.
  boost::system::result<VerifiedToken, TokenError> verify(std::string_view token, std::int64_t now);

  const KeySet& keys() const noexcept { return *keys_; }

 private:
  TokenVerifier(std::shared_ptr<const KeySet> keys, VerifierConfig config);

  boost::system::result<VerifiedToken, TokenError> check_claims(std::string_view payload_json,
                                                                std::int64_t now);

  std::shared_ptr<const KeySet> keys_;
  VerifierConfig config_;
  simdjson::dom::parser parser_;
  SignatureVerifier signatures_;
};

}  // namespace smlapi::auth
