// Why a bearer token was rejected. Every reason maps to HTTP 401 with error="invalid_token"
// (RFC 6750 section 3.1); the reason goes to audit logs and metrics, never to the client beyond
// a short description.
#pragma once

#include <string_view>

#include <boost/assert/source_location.hpp>

namespace smlapi::auth {

enum class TokenError {
  malformed,         // not three non-empty dot-separated segments (JWS compact form)
  too_large,         // longer than the configured maximum
  bad_base64,        // a segment is not strict unpadded base64url
  bad_json,          // header or claims not a JSON object (or invalid UTF-8, wrong member types)
  duplicate_claim,   // the same member name twice in the header or the claims
  unsupported_alg,   // alg missing, "none" in any case, or not one we implement
  alg_mismatch,      // alg differs from the one algorithm allowed for the key named by kid
  unknown_kid,       // kid missing or not in the key set
  forbidden_header,  // jku, x5u, jwk, x5c or crit present
  bad_typ,           // typ is not at+jwt (RFC 9068)
  bad_signature,     // signature does not verify (or ECDSA r/s out of range)
  expired,           // now >= exp + leeway
  not_yet_valid,     // now + leeway < nbf
  issued_in_future,  // now + leeway < iat
  wrong_issuer,      // iss differs from ours
  wrong_audience,    // aud neither is nor contains ours
  missing_claim,     // a claim required by RFC 9068 is absent
};

// A stable snake_case name ("bad_signature"), for logs and metric labels.
std::string_view to_string(TokenError error) noexcept;

// A short human description suitable for WWW-Authenticate error_description.
std::string_view describe(TokenError error) noexcept;

[[noreturn]] void throw_exception_from_error(TokenError error,
                                             const boost::source_location& location);

}  // namespace smlapi::auth
