// Cryptographically secure random bytes (OpenSSL's DRBG). Failure to obtain randomness is
// exceptional and unrecoverable for a security component: it throws std::runtime_error.
#pragma once

#include <cstddef>
#include <string>

namespace smlapi::auth {

std::string random_bytes(std::size_t count);

// `count` random bytes, base64url-encoded (e.g. 16 bytes -> a 22-character jti).
std::string random_token(std::size_t count);

}  // namespace smlapi::auth
