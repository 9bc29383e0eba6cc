#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <boost/system/result.hpp>

#include "net/cidr.h"

namespace smlapi::net {

// Which forwarding header the trusted proxies write. Only that one is read: reading both would
// let a client smuggle addresses in the header the proxy does not touch.
enum class ForwardingHeader {
  x_forwarded_for,  // X-Forwarded-For (nginx, HAProxy, AWS ALB, most ingress controllers)
  forwarded,        // RFC 7239 Forwarded, for= parameter
};

struct ProxyConfigError {
  std::size_t index = 0;  // position of the offending entry
  CidrError error = CidrError::bad_address;
};

// Networks whose connections may tell us the client address. Empty (the default) trusts no
// one: forwarding headers are then ignored entirely.
class TrustedProxies {
 public:
  TrustedProxies() = default;
  explicit TrustedProxies(std::vector<Cidr> networks,
                          ForwardingHeader header = ForwardingHeader::x_forwarded_for)
      : networks_(std::move(networks)), header_(header) {}

  static boost::system::result<TrustedProxies, ProxyConfigError> parse(
      std::span<const std::string> networks,
      ForwardingHeader header = ForwardingHeader::x_forwarded_for);

  bool trusts(const IpAddress& address) const noexcept;
  ForwardingHeader header() const noexcept { return header_; }
  bool empty() const noexcept { return networks_.empty(); }
  const std::vector<Cidr>& networks() const noexcept { return networks_; }

 private:
  std::vector<Cidr> networks_;
  ForwardingHeader header_ = ForwardingHeader::x_forwarded_for;
};

}  // namespace smlapi::net
