// A JSON Web Key Set (RFC 7517) published by an external issuer, turned into verification keys.
// Only signature keys this service can use are taken: RSA of 2048-8192 bits (RS256) and EC
// P-256 (ES256). A key is skipped, not fatal, when it is for encryption (use != "sig"), of an
// unknown kty or curve, names an alg that is not the one its type allows or not one the issuer
// is trusted with, or has no kid: providers publish such keys beside their signing keys. The
// document as a whole is refused when it is malformed, too large, has too many keys or no
// usable key at all (keeping the previous keys is the caller's decision).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include <simdjson.h>
#include <boost/system/result.hpp>

#include "auth/algorithm.h"
#include "auth/error.h"
#include "auth/keys.h"

namespace smlapi::auth::federation {

inline constexpr std::size_t kMaxJwksBytes = 256 * 1024;
inline constexpr std::size_t kMaxJwksKeys = 64;
inline constexpr int kMaxRsaBits = 8192;

struct ParsedJwks {
  std::vector<VerificationKey> keys;
  std::size_t skipped = 0;  // keys present but not usable here
};

// `algorithms`: the algorithms the issuer is trusted with (RS256 and/or ES256).
boost::system::result<ParsedJwks, Error> parse_jwks(simdjson::dom::parser& parser,
                                                    std::string_view json,
                                                    std::span<const Algorithm> algorithms);

}  // namespace smlapi::auth::federation
