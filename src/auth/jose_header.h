// The JOSE header rules of this service's access tokens (RFC 8725, RFC 9068):
// - alg is required and must name an algorithm we implement ("none" in any case never does);
// - kid is required: it selects the key, and the key decides the algorithm;
// - jku, x5u, jwk, x5c would let the token name its own key; crit could demand extensions we do
//   not implement: all five are refused outright;
// - typ must be "at+jwt" (or "application/at+jwt"), compared case-insensitively as media types
//   are (RFC 7515 section 4.1.9), so an ID token or other JWT cannot be replayed as an access
//   token.
#pragma once

#include <string>
#include <string_view>

#include <simdjson.h>
#include <boost/system/result.hpp>

#include "auth/algorithm.h"
#include "auth/token_error.h"

namespace smlapi::auth {

struct JoseHeader {
  Algorithm algorithm;
  std::string kid;
};

// `json` is the decoded header segment.
boost::system::result<JoseHeader, TokenError> parse_access_token_header(
    simdjson::dom::parser& parser, std::string_view json);

bool is_access_token_type(std::string_view typ) noexcept;

// jku, x5u, jwk, x5c or crit: refused in every token this service accepts, local or external.
bool is_forbidden_header_member(std::string_view name);

// ASCII case-insensitive equality, as media types (typ) are compared.
bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) noexcept;

}  // namespace smlapi::auth
