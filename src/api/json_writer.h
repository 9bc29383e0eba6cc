// Appends JSON to a string. The API's answers have fixed shapes, so writing
// them directly is both simpler and far cheaper than building a DOM.
#pragma once

#include <string>
#include <string_view>

namespace smlapi::api::json {

// A JSON string literal, quotes included; control characters and non-ASCII
// stay valid (input is already validated UTF-8).
void append_string(std::string& out, std::string_view text);
// Shortest representation that reads back to the same double, always with a
// decimal point or exponent (0.0, not 0), as Python's json.dumps prints.
void append_number(std::string& out, double value);
void append_integer(std::string& out, long long value);

}  // namespace smlapi::api::json
