// One external identity provider this service trusts, and how its access tokens are read.
// Providers disagree on the shape of an access token: Keycloak and Entra ID use typ "JWT",
// Cognito and Okta send none; the client is `client_id` (Cognito, RFC 9068), `azp` (Keycloak,
// Entra ID v2) or `cid` (Okta); scopes are a `scope` string, an `scp` array (Okta) or string
// (Entra ID delegated), or application roles (`roles` in Entra ID, `realm_access.roles` in
// Keycloak); Cognito access tokens have no `aud` at all. So each of those is configured per
// issuer, and nothing is inferred from the token itself.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>
#include <boost/system/result.hpp>

#include "auth/algorithm.h"
#include "auth/error.h"

namespace smlapi::auth::federation {

inline constexpr std::size_t kMaxTrustedIssuers = 16;
inline constexpr std::size_t kMaxTrustedIssuersFileBytes = 64 * 1024;

struct TrustedIssuer {
  std::string name;      // the subject namespace and log name: [A-Za-z0-9._-]{1,64}
  std::string issuer;    // iss, compared exactly
  std::string jwks_url;  // empty: found through OIDC discovery at the issuer
  // aud must contain one of these; when empty (Cognito), the client claim must be one of
  // allowed_clients instead. At least one of the two lists is non-empty.
  std::vector<std::string> audiences;
  std::vector<std::string> allowed_clients;
  // typ values accepted (ASCII case-insensitive); a token without typ only if allow_missing_typ.
  std::vector<std::string> typs = {"at+jwt", "application/at+jwt"};
  bool allow_missing_typ = false;
  // Claims read in order; the first one present wins. A scope claim may be a space-separated
  // string or an array of strings; a dotted name ("realm_access.roles") reads a nested member.
  std::vector<std::string> scope_claims = {"scope"};
  std::vector<std::string> client_claims = {"client_id"};
  // When set, only scopes starting with it count, without it: Cognito's custom scopes are
  // "<resource server id>/<scope>", so "secure-ml-api/" makes "secure-ml-api/predict" predict.
  std::string scope_prefix;
  // When set, the token_use claim must have this value (Cognito: "access", so its ID tokens,
  // signed with the same keys, are refused).
  std::string token_use;
  bool require_jti = false;
  std::vector<Algorithm> algorithms = {Algorithm::RS256, Algorithm::ES256};
};

// The defaults of --oidc-issuer / --jwks-url: accept the four providers' shapes out of the box
// (typ JWT or none, scope/scp/roles, client_id/azp/cid); the audience check still binds
// tokens to this service.
TrustedIssuer permissive_issuer(std::string name, std::string issuer, std::string jwks_url,
                                std::vector<std::string> audiences);

// Fails on an invalid name, issuer, URL, empty audience and client lists, unknown algorithms,
// or lists too long.
boost::system::result<void, Error> validate(const TrustedIssuer& issuer);

// The --trusted-issuers file: a JSON array of objects with the members "name", "issuer",
// "jwks_url", "audiences", "allowed_clients", "typ", "allow_missing_typ", "scope_claims",
// "client_claims", "scope_prefix", "token_use", "require_jti", "algorithms". Unknown members are
// refused (a misspelt "audience" must not silently disable the check).
boost::system::result<std::vector<TrustedIssuer>, Error> parse_trusted_issuers(
    simdjson::dom::parser& parser, std::string_view json);

}  // namespace smlapi::auth::federation
