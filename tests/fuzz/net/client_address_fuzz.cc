// Fuzzes client address resolution. Input layout: first byte selects the header mode and the
// peer; the rest is split at '\n' into field values (first half X-Forwarded-For, second half
// Forwarded). Checks the invariants that make the result safe to key on.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "net/client_address.h"
#include "net/forwarding_hop.h"

namespace {

using smlapi::net::IpAddress;

const smlapi::net::TrustedProxies& proxies(bool forwarded) {
  static const auto make = [](smlapi::net::ForwardingHeader header) {
    const std::vector<std::string> networks{"10.0.0.0/8", "fd00::/8", "192.0.2.0/24"};
    return *smlapi::net::TrustedProxies::parse(networks, header);
  };
  static const auto xff = make(smlapi::net::ForwardingHeader::x_forwarded_for);
  static const auto fwd = make(smlapi::net::ForwardingHeader::forwarded);
  return forwarded ? fwd : xff;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool forwarded = (data[0] & 1) != 0;
  static const IpAddress peers[] = {*smlapi::net::parse_ip("10.0.0.1"),
                                    *smlapi::net::parse_ip("fd00::1"),
                                    *smlapi::net::parse_ip("203.0.113.9")};
  const IpAddress& peer = peers[(data[0] >> 1) % 3];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  std::vector<std::string_view> values;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    values.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  const std::size_t half = values.size() / 2;
  const std::span<const std::string_view> all(values);
  const auto& trusted = proxies(forwarded);
  const IpAddress result =
      smlapi::net::client_address(peer, all.first(half), all.subspan(half), trusted);

  if (!trusted.trusts(peer) && result != peer) std::abort();  // headers from untrusted peers
  if (result.is_v6() && result.to_v6().is_v4_mapped()) std::abort();  // always normalised
  for (const std::string_view value : values) (void)smlapi::net::parse_forwarded_for(value);
  return 0;
}
