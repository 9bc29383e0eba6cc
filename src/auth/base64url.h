// Strict base64url (RFC 4648 section 5) as JWS uses it (RFC 7515 section 2): no padding, no
// whitespace, no characters outside [A-Za-z0-9_-], and no non-zero trailing bits. Being strict
// means every byte string has exactly one accepted encoding, so a token cannot be re-encoded into
// a different string that still verifies (which would defeat jti/deny-list matching and caches).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace smlapi::auth {

std::string base64url_encode(std::span<const std::uint8_t> bytes);
std::string base64url_encode(std::string_view bytes);

// std::nullopt when `text` is not the canonical unpadded base64url encoding of some bytes.
std::optional<std::string> base64url_decode(std::string_view text);

// Upper bound of the decoded size, to reject before decoding.
constexpr std::size_t base64url_decoded_size(std::size_t encoded_size) {
  return encoded_size / 4 * 3 + (encoded_size % 4 == 0 ? 0 : encoded_size % 4 - 1);
}

}  // namespace smlapi::auth
