#include "net/trusted_proxies.h"

#include <algorithm>

namespace smlapi::net {

boost::system::result<TrustedProxies, ProxyConfigError> TrustedProxies::parse(
    std::span<const std::string> networks, ForwardingHeader header) {
  std::vector<Cidr> parsed;
  parsed.reserve(networks.size());
  for (std::size_t i = 0; i < networks.size(); ++i) {
    auto cidr = Cidr::parse(networks[i]);
    if (!cidr.has_value()) return ProxyConfigError{i, cidr.error()};
    parsed.push_back(*cidr);
  }
  return TrustedProxies(std::move(parsed), header);
}

bool TrustedProxies::trusts(const IpAddress& address) const noexcept {
  return std::any_of(networks_.begin(), networks_.end(),
                     [&](const Cidr& network) { return network.contains(address); });
}

}  // namespace smlapi::net
