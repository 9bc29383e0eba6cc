#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "net/ip_address.h"
#include "net/trusted_proxies.h"

namespace smlapi::net {

// Forwarding chains longer than this are cut: the walk stops at the hop it has reached.
inline constexpr std::size_t kMaxForwardingHops = 32;

// The address a request is attributed to (for rate limiting and brute-force counters).
//
// - `peer` is the TCP peer. If it is not a trusted proxy, it is the answer: forwarding headers
//   from untrusted peers are ignored, so clients cannot pick their own key.
// - Otherwise only the header named by proxies.header() is read (field values in order of
//   appearance, which together form one list), from the right: each hop that is a trusted proxy
//   is skipped, and the first untrusted address is the answer.
// - If the walk meets an entry that is not a usable address (malformed, "unknown", an
//   obfuscated identifier, a Forwarded element without for=), or more than kMaxForwardingHops
//   entries, it stops and answers the last trusted hop it has validated (the proxy that
//   forwarded that entry): every claim to the right of the bad entry came from a trusted proxy,
//   nothing to the left of it can be believed.
// - If every hop is trusted (or the header is absent), the left-most trusted hop is the answer.
// IPv4-mapped IPv6 addresses are returned as IPv4.
IpAddress client_address(const IpAddress& peer, std::span<const std::string_view> x_forwarded_for,
                         std::span<const std::string_view> forwarded,
                         const TrustedProxies& proxies);

}  // namespace smlapi::net
