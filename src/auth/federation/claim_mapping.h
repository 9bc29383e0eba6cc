// Reading the provider-specific claims of an external access token (see trusted_issuer.h):
// the scopes from the first configured scope claim present, the client from the first client
// claim present. Claims of the wrong JSON type are errors (bad_json), not skipped, so a token
// cannot steer which claim is read by making one unreadable.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>
#include <boost/system/result.hpp>

#include "auth/federation/trusted_issuer.h"
#include "auth/token_error.h"

namespace smlapi::auth::federation {

inline constexpr std::size_t kMaxExternalScopes = 64;

struct MappedClaims {
  std::vector<std::string> scopes;
  std::optional<std::string> client;
  std::optional<std::string> token_use;
};

// `claims`: the payload object, already parsed.
boost::system::result<MappedClaims, TokenError> map_claims(simdjson::dom::object claims,
                                                           const TrustedIssuer& issuer);

}  // namespace smlapi::auth::federation
