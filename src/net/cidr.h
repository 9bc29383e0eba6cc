#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "net/ip_address.h"

namespace smlapi::net {

enum class CidrError {
  bad_address,    // the part before '/' is not an address (see parse_ip)
  bad_prefix,     // not a decimal number within 0..32 (IPv4) or 0..128 (IPv6)
  host_bits_set,  // "10.0.0.1/8": almost always a typo, so refused rather than masked
};

const char* to_string(CidrError error) noexcept;

// An IPv4 or IPv6 network. "10.0.0.0/8", "2001:db8::/32"; a bare address means /32 or /128.
class Cidr {
 public:
  static boost::system::result<Cidr, CidrError> parse(std::string_view text);

  // Addresses of the other family never match (IPv4-mapped IPv6 counts as IPv4).
  bool contains(const IpAddress& address) const noexcept;

  const IpAddress& network() const noexcept { return network_; }
  unsigned prefix_length() const noexcept { return prefix_; }
  std::string to_string() const;

 private:
  Cidr(IpAddress network, unsigned prefix) : network_(network), prefix_(prefix) {}

  IpAddress network_;
  unsigned prefix_ = 0;
};

}  // namespace smlapi::net
