// Media-type checks on request Content-Type values (RFC 9110 section 8.3).
#pragma once

#include <string_view>

namespace smlapi::api {

// True for "application/json", optionally with parameters; a charset, if
// given, must be UTF-8 (the only encoding JSON allows on the wire, RFC 8259).
bool is_json(std::string_view content_type);
// True for "application/x-www-form-urlencoded", optionally with parameters.
bool is_form(std::string_view content_type);

}  // namespace smlapi::api
