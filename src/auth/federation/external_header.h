// The JOSE header rules for an external issuer's access tokens: the local rules (jose_header.h)
// except typ, which follows the issuer's configuration (providers send "JWT" or nothing).
// jku/x5u/jwk/x5c/crit are refused as for local tokens; alg must be one we implement and one
// the issuer is trusted with; kid is required (it selects the key, and the key fixes the alg).
#pragma once

#include <string_view>

#include <simdjson.h>
#include <boost/system/result.hpp>

#include "auth/federation/trusted_issuer.h"
#include "auth/jose_header.h"
#include "auth/token_error.h"

namespace smlapi::auth::federation {

boost::system::result<JoseHeader, TokenError> parse_external_header(simdjson::dom::parser& parser,
                                                                    std::string_view json,
                                                                    const TrustedIssuer& issuer);

// Whether `typ` (nullptr: the header has none) is accepted for `issuer`.
bool accepts_typ(const TrustedIssuer& issuer, const std::string_view* typ);

}  // namespace smlapi::auth::federation
