// The claims of an access token (RFC 9068 section 2.2), read from the decoded payload after the
// signature has been checked. Reading only extracts and type-checks; TokenVerifier decides
// whether the values are acceptable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>
#include <boost/system/result.hpp>

#include "auth/token_error.h"

namespace smlapi::auth {

struct Claims {
  std::optional<std::string> issuer;       // iss
  std::optional<std::string> subject;      // sub
  std::vector<std::string> audiences;      // aud: a string or an array of strings
  std::optional<std::int64_t> expires_at;  // exp
  std::optional<std::int64_t> not_before;  // nbf
  std::optional<std::int64_t> issued_at;   // iat
  std::optional<std::string> jwt_id;       // jti
  std::optional<std::string> scope;        // scope: space-separated
  std::optional<std::string> client_id;    // client_id
  std::optional<std::string> grant_type;   // gty: the local issuer's grant (token_issuer.h)
};

// bad_json when a known claim has the wrong JSON type, duplicate_claim on repeated names.
boost::system::result<Claims, TokenError> parse_claims(simdjson::dom::parser& parser,
                                                       std::string_view json);

// exp/nbf/iat against `now` (Unix seconds) with `leeway` seconds of clock skew: expired,
// not_yet_valid, issued_in_future. exp must be present (callers check it); nbf and iat are
// checked when present.
boost::system::result<void, TokenError> check_claim_times(const Claims& claims, std::int64_t now,
                                                          std::int64_t leeway);

}  // namespace smlapi::auth
