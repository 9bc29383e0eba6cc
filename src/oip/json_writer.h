// Minimal JSON text building for the protocol's responses: strings escaped per RFC 8259 and
// numbers in their shortest round-trip form. Responses here are small and fixed in shape, so a
// writer of fragments is clearer than a DOM.
#pragma once

#include <string>
#include <string_view>

namespace smlapi::oip {

// Appends `text` as a quoted JSON string. Invalid UTF-8 sequences become U+FFFD, so the output
// is valid JSON whatever the caller passes.
void append_json_string(std::string& out, std::string_view text);

// Appends the shortest decimal text that reads back as `value` (std::to_chars). Non-finite
// values, which JSON cannot carry, are written as 0.
void append_json_number(std::string& out, double value);

}  // namespace smlapi::oip
