// Commands in RESP, the Redis wire format: an array of bulk strings. Written by hand because
// hiredis 0.14 formats into a malloc'd buffer per command; appending to the connection's own
// write buffer lets one write carry every command waiting on an event loop.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace smlapi::redis {

// Appends `args` as one command to `out` (binary-safe: arguments may hold any byte).
void append_command(std::string& out, std::span<const std::string_view> args);

}  // namespace smlapi::redis
