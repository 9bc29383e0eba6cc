// Validation of identifiers that come from operators or clients: user names, client ids and key
// ids. Keeping them to a small character set means they are safe in file names, logs and JSON,
// and a `kid` can never express a path ("../", "/") or a query.
#pragma once

#include <cstddef>
#include <string_view>

namespace smlapi::auth {

inline constexpr std::size_t kMaxNameLength = 64;

// User names and client ids: 1-64 characters of [A-Za-z0-9._@-].
bool is_valid_principal_name(std::string_view name) noexcept;

// Key ids: 1-64 characters of [A-Za-z0-9._-], starting with a letter or digit (so a key file
// `<kid>.pem` is never hidden and never "." or "..").
bool is_valid_key_id(std::string_view kid) noexcept;

}  // namespace smlapi::auth
