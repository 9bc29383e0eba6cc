// Parsing of the small JSON objects in tokens and files with simdjson's DOM API, which validates
// the whole document (including UTF-8) before anything is read. simdjson keeps duplicate member
// names, so they are detected here: RFC 8725 section 3.2 / RFC 7515 section 5.2 ask to reject
// them, since two parsers could otherwise read different values from the same token.
#pragma once

#include <string_view>

#include <simdjson.h>
#include <boost/system/result.hpp>

namespace smlapi::auth {

enum class JsonObjectError { not_an_object, duplicate_member };

// The top-level object of `json`; the result views into `parser` and is valid until its next
// parse.
boost::system::result<simdjson::dom::object, JsonObjectError> parse_unique_object(
    simdjson::dom::parser& parser, std::string_view json);

// True if no member name of `object` appears twice (top level only).
bool has_unique_member_names(simdjson::dom::object object);

}  // namespace smlapi::auth
