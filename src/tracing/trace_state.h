// The W3C Trace Context `tracestate` header: vendors' "key=value" entries, comma-separated.
// We add no entry of our own (the service calls no traced downstream), so what we do is keep the
// caller's on our spans, as the Recommendation asks:
// - a header that does not parse (a bad key or value, a duplicate key, more than 32 entries) is
//   dropped whole: "if the vendor failed to parse tracestate, it MUST NOT attempt to propagate";
// - empty entries (",,", surrounding spaces) are allowed and removed;
// - more than 512 characters: entries longer than 128 characters go first, then entries from the
//   right, until the rest fits (the Recommendation's order for trimming).
#pragma once

#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace smlapi::tracing {

inline constexpr std::size_t kMaxTraceStateMembers = 32;
inline constexpr std::size_t kMaxTraceStateLength = 512;
inline constexpr std::size_t kLargeTraceStateMember = 128;

enum class TraceStateError : std::uint8_t {
  bad_key,
  bad_value,
  duplicate_key,
  too_many_members,
  no_equals,  // an entry without "="
};
std::string_view to_string(TraceStateError error);

// The header normalised ("k1=v1,k2=v2", at most kMaxTraceStateLength characters) into `out`;
// returns its length (0: nothing to keep).
boost::system::result<std::size_t, TraceStateError> normalize_tracestate(
    std::string_view header, std::span<char, kMaxTraceStateLength> out);

}  // namespace smlapi::tracing
