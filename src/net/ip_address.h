#pragma once

#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>
#include <boost/system/result.hpp>

namespace smlapi::net {

using IpAddress = boost::asio::ip::address;

enum class AddressError {
  empty,
  too_long,  // longer than any textual IPv4/IPv6 address
  zone_id,   // "fe80::1%eth0": scoped addresses never identify a remote client
  invalid,   // not an IPv4 dotted quad or an IPv6 address
};

const char* to_string(AddressError error) noexcept;

// Strict textual address: IPv4 dotted quad (inet_pton rules: no octal/hex/short forms) or
// IPv6 without brackets. IPv4-mapped IPv6 (::ffff:a.b.c.d) is returned as IPv4, so the same
// client seen through a dual-stack socket or an IPv4 socket has one identity.
boost::system::result<IpAddress, AddressError> parse_ip(std::string_view text);

// IPv4-mapped IPv6 becomes IPv4; anything else is returned unchanged.
IpAddress normalise(const IpAddress& address);

// The part of an address that identifies one client for rate limiting: the IPv4 address, or
// the IPv6 network of `ipv6_prefix` bits (default /64, the smallest block ISPs assign, so a host
// cannot mint fresh keys by rotating addresses inside its own /64). Textual, e.g.
// "192.0.2.1" or "2001:db8:1:2::/64".
std::string address_bucket(const IpAddress& address, unsigned ipv6_prefix = 64);

// The identity every per-source defence counts (rate limits, failed-login counters, hashing
// admission), from a resolved client address as text: IPv4 as it is, IPv6 reduced to its /64
// (`bucket` then holds the text and the result views it). One function, so a defence cannot
// key by the full IPv6 address while the limiter groups by /64.
std::string_view source_key(std::string_view client, std::string& bucket);

}  // namespace smlapi::net
