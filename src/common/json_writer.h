// The one JSON writer of the service: every answer, log line, token and document is written
// with these three functions, so strings and numbers look the same everywhere. The shapes
// written are fixed, so appending fragments is simpler and far cheaper than building a DOM.
//
// Numbers (documented in docs/api.md): the shortest text that reads back as the same double,
// always with a decimal point or an exponent, as Python's json.dumps prints floats (0.0, not
// 0; 1.0, not 1; never -0.0). JSON has no NaN or infinity: they are written as null.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace smlapi::json {

// A JSON string literal, quotes included. Control characters, '"', '\\' and DEL are
// escaped; an ill-formed UTF-8 byte becomes U+FFFD, so the output is valid JSON whatever the
// caller passes.
void append_string(std::string& out, std::string_view text);
std::string quoted(std::string_view text);

void append_number(std::string& out, double value);
// The same number written at `out`, which has room for kMaxNumberLength characters; returns
// the end. For writers that lay out a whole line in one buffer.
inline constexpr std::size_t kMaxNumberLength = 32;
char* write_number(char* out, double value);
void append_integer(std::string& out, long long value);

}  // namespace smlapi::json
