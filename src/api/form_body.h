// application/x-www-form-urlencoded parsing for the OAuth 2.0 endpoints.
// RFC 6749 section 3.2: parameters must not repeat, so a repeat is an error.
#pragma once

#include <boost/system/result.hpp>

#include <map>
#include <string>
#include <string_view>

namespace smlapi::api {

enum class FormError { malformed_encoding, repeated_parameter, too_many_parameters };

using FormFields = std::map<std::string, std::string, std::less<>>;

boost::system::result<FormFields, FormError> parse_form(std::string_view body);
// Percent-decoding with '+' as space; false on a bad escape.
bool form_decode(std::string_view in, std::string& out);

}  // namespace smlapi::api
