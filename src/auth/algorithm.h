// The JWS algorithms this service accepts (RFC 7518, RFC 8037). Anything else, `none` in any
// spelling included, is not representable and therefore never accepted.
#pragma once

#include <optional>
#include <string_view>

namespace smlapi::auth {

enum class Algorithm { HS256, RS256, ES256, EdDSA };

// The exact `alg` header value ("HS256", "RS256", "ES256", "EdDSA").
std::string_view to_string(Algorithm algorithm) noexcept;

// Exact, case-sensitive match (RFC 7515 section 4.1.1: `alg` values are case-sensitive).
std::optional<Algorithm> parse_algorithm(std::string_view name) noexcept;

// True for the algorithms whose keys can be published (everything but HS256).
constexpr bool is_asymmetric(Algorithm algorithm) noexcept { return algorithm != Algorithm::HS256; }

}  // namespace smlapi::auth
