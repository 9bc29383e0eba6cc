#pragma once

#include <string_view>
#include <vector>

#include "net/ip_address.h"

namespace smlapi::net {

// One entry of a forwarding chain, as a proxy reported it.
enum class HopKind {
  address,     // a usable IP address (ports are accepted and dropped)
  unknown,     // RFC 7239 "unknown" (also accepted in X-Forwarded-For)
  obfuscated,  // RFC 7239 obfuscated identifier such as "_hidden"
  malformed,   // anything else, including Forwarded elements without for=
};

struct Hop {
  HopKind kind = HopKind::malformed;
  IpAddress address{};  // meaningful for HopKind::address only
};

// One X-Forwarded-For list element (surrounding spaces allowed): "192.0.2.1", "192.0.2.1:8080",
// "2001:db8::1", "[2001:db8::1]", "[2001:db8::1]:8080" or "unknown".
Hop parse_x_forwarded_for_element(std::string_view element);

// An RFC 7239 node (already unquoted): IPv4 [":" port], "[" IPv6 "]" [":" port], "unknown" or
// an obfuscated identifier "_..." ([A-Za-z0-9._-]). Ports may be numeric or obfuscated.
Hop parse_forwarded_node(std::string_view node);

// The for= nodes of one Forwarded header field value, left to right, one per
// forwarded-element. An element without for= (or with it twice) yields a malformed hop. At a
// syntax error the remaining text cannot be split reliably (a stray quote can swallow commas), so
// one malformed hop is appended and parsing stops: a right-to-left walk then stops there too.
std::vector<Hop> parse_forwarded_for(std::string_view field_value);

}  // namespace smlapi::net
