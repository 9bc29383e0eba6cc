// Minimal JSON output for the documents this library writes (JOSE headers, claims, JWKS,
// credential files). Strings are escaped per RFC 8259; the caller provides the structure.
#pragma once

#include <string>
#include <string_view>

namespace smlapi::auth {

// Appends `value` as a quoted JSON string (control characters, '"' and '\\' escaped).
void append_json_string(std::string& out, std::string_view value);

// Returns `value` as a quoted JSON string.
std::string json_string(std::string_view value);

}  // namespace smlapi::auth
