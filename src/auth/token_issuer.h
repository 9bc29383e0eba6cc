// Issuing access tokens in the JWT profile of RFC 9068: header {alg, typ: "at+jwt", kid} and
// claims {iss, sub, aud, iat, nbf, exp, jti, scope, client_id, gty}, signed with the active key.
// gty (the grant type, as Auth0 names it: "password" or "client-credentials") says which
// namespace sub belongs to: a user and a client may have the same name and are still different
// principals (TokenVerifier reads it into VerifiedToken::kind).
// Thread-safe: issue() keeps no state between calls.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "auth/error.h"
#include "auth/keys.h"

namespace smlapi::auth {

inline constexpr std::int64_t kDefaultTokenLifetimeSeconds = 900;
inline constexpr std::int64_t kMinTokenLifetimeSeconds = 60;
inline constexpr std::int64_t kMaxTokenLifetimeSeconds = 3600;
inline constexpr std::size_t kJtiRandomBytes = 16;  // 128 bits: collisions are not a concern

// The grant a token was issued by: its subject is a user (password) or a client.
enum class TokenGrant : std::uint8_t { password, client_credentials };

// The gty claim's values.
inline constexpr std::string_view kGtyPassword = "password";
inline constexpr std::string_view kGtyClientCredentials = "client-credentials";

struct IssuerConfig {
  std::string issuer;
  std::string audience;
  std::int64_t lifetime_seconds = kDefaultTokenLifetimeSeconds;  // within [60, 3600]
};

struct IssuedToken {
  std::string access_token;
  std::string jti;
  std::string scope;  // space-separated, as in the token
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::int64_t expires_in = 0;  // seconds, for the token response
};

class TokenIssuer {
 public:
  static boost::system::result<TokenIssuer, Error> create(IssuerConfig config,
                                                          SigningKey signing_key);

  // `subject` is the user (password grant) or the client (client_credentials); `now` is Unix
  // time in seconds.
  IssuedToken issue(std::string_view subject, std::string_view client_id,
                    const std::vector<std::string>& scopes, std::int64_t now,
                    TokenGrant grant = TokenGrant::password) const;

  const SigningKey& signing_key() const noexcept { return signing_key_; }
  const IssuerConfig& config() const noexcept { return config_; }

 private:
  TokenIssuer(IssuerConfig config, SigningKey signing_key);

  std::string header_json_;  // the same for every token of this issuer
  IssuerConfig config_;
  SigningKey signing_key_;
};

}  // namespace smlapi::auth
