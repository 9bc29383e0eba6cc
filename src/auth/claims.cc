#include "auth/claims.h"

#include <cmath>

#include "auth/json_object.h"

namespace smlapi::auth {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// NumericDate (RFC 7519 section 2): seconds since the epoch, possibly fractional. Values beyond
// +-2^53 are refused rather than silently rounded.
std::optional<std::int64_t> read_numeric_date(element value) {
  constexpr std::int64_t kLimitInteger = std::int64_t{1} << 53;
  constexpr double kLimit = 9007199254740992.0;  // 2^53
  switch (value.type()) {
    case element_type::INT64: {
      const std::int64_t seconds = value.get_int64().value_unsafe();
      if (seconds > kLimitInteger || seconds < -kLimitInteger) return std::nullopt;
      return seconds;
    }
    case element_type::DOUBLE: {
      const double seconds = value.get_double().value_unsafe();
      if (!std::isfinite(seconds) || seconds > kLimit || seconds < -kLimit) return std::nullopt;
      return static_cast<std::int64_t>(std::floor(seconds));
    }
    default:
      return std::nullopt;  // UINT64 above INT64_MAX, strings, ...
  }
}

bool read_string(element value, std::optional<std::string>& out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return false;
  out = std::string(text);
  return true;
}

bool read_audiences(element value, std::vector<std::string>& out) {
  std::string_view single;
  if (value.get_string().get(single) == simdjson::SUCCESS) {
    out.emplace_back(single);
    return true;
  }
  simdjson::dom::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) return false;
  for (const element item : array) {
    std::string_view audience;
    if (item.get_string().get(audience) != simdjson::SUCCESS) return false;
    out.emplace_back(audience);
  }
  return true;
}

bool read_date(element value, std::optional<std::int64_t>& out) {
  out = read_numeric_date(value);
  return out.has_value();
}

// Reads one member into `claims`; false when a known claim has the wrong type. Unknown claims
// are ignored (RFC 7519 section 4).
bool read_member(std::string_view name, element value, Claims& claims) {
  if (name == "iss") return read_string(value, claims.issuer);
  if (name == "sub") return read_string(value, claims.subject);
  if (name == "aud") return read_audiences(value, claims.audiences);
  if (name == "exp") return read_date(value, claims.expires_at);
  if (name == "nbf") return read_date(value, claims.not_before);
  if (name == "iat") return read_date(value, claims.issued_at);
  if (name == "jti") return read_string(value, claims.jwt_id);
  if (name == "scope") return read_string(value, claims.scope);
  if (name == "client_id") return read_string(value, claims.client_id);
  if (name == "gty") return read_string(value, claims.grant_type);
  return true;
}

}  // namespace

boost::system::result<Claims, TokenError> parse_claims(simdjson::dom::parser& parser,
                                                       std::string_view json) {
  auto object = parse_unique_object(parser, json);
  if (!object) {
    return object.error() == JsonObjectError::duplicate_member ? TokenError::duplicate_claim
                                                               : TokenError::bad_json;
  }
  Claims claims;
  for (const auto member : *object) {
    if (!read_member(member.key, member.value, claims)) return TokenError::bad_json;
  }
  return claims;
}

boost::system::result<void, TokenError> check_claim_times(const Claims& claims, std::int64_t now,
                                                          std::int64_t leeway) {
  if (now >= *claims.expires_at + leeway) return TokenError::expired;
  if (claims.not_before && now + leeway < *claims.not_before) return TokenError::not_yet_valid;
  if (claims.issued_at && now + leeway < *claims.issued_at) return TokenError::issued_in_future;
  return {};
}

}  // namespace smlapi::auth
