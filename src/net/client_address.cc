#include "net/client_address.h"

#include <optional>

#include "net/forwarding_hop.h"

namespace smlapi::net {
namespace {

// Walks hops from the right. `next_hop` yields hops right to left, nullopt when exhausted.
template <typename NextHop>
IpAddress walk(IpAddress current, const TrustedProxies& proxies, NextHop next_hop) {
  for (std::size_t seen = 0; seen < kMaxForwardingHops; ++seen) {
    const std::optional<Hop> hop = next_hop();
    if (!hop.has_value()) return current;
    if (hop->kind != HopKind::address) return current;
    if (!proxies.trusts(hop->address)) return hop->address;
    current = hop->address;
  }
  return current;
}

IpAddress walk_x_forwarded_for(const IpAddress& peer, std::span<const std::string_view> values,
                               const TrustedProxies& proxies) {
  std::size_t value_index = values.size();
  std::string_view rest;  // unread (left) part of the current field value
  bool have_value = false;
  return walk(peer, proxies, [&]() -> std::optional<Hop> {
    while (true) {
      if (!have_value) {
        if (value_index == 0) return std::nullopt;
        rest = values[--value_index];
        have_value = true;
      }
      const std::size_t comma = rest.rfind(',');
      const std::string_view element =
          comma == std::string_view::npos ? rest : rest.substr(comma + 1);
      if (comma == std::string_view::npos) {
        have_value = false;
      } else {
        rest = rest.substr(0, comma);
      }
      if (element.find_first_not_of(" \t") == std::string_view::npos) continue;  // empty element
      return parse_x_forwarded_for_element(element);
    }
  });
}

IpAddress walk_forwarded(const IpAddress& peer, std::span<const std::string_view> values,
                         const TrustedProxies& proxies) {
  std::size_t value_index = values.size();
  std::vector<Hop> hops;
  std::size_t hop_index = 0;
  return walk(peer, proxies, [&]() -> std::optional<Hop> {
    while (hop_index == 0) {
      if (value_index == 0) return std::nullopt;
      hops = parse_forwarded_for(values[--value_index]);
      hop_index = hops.size();
    }
    return hops[--hop_index];
  });
}

}  // namespace

IpAddress client_address(const IpAddress& peer, std::span<const std::string_view> x_forwarded_for,
                         std::span<const std::string_view> forwarded,
                         const TrustedProxies& proxies) {
  const IpAddress direct = normalise(peer);
  if (!proxies.trusts(direct)) return direct;
  if (proxies.header() == ForwardingHeader::forwarded) {
    return walk_forwarded(direct, forwarded, proxies);
  }
  return walk_x_forwarded_for(direct, x_forwarded_for, proxies);
}

}  // namespace smlapi::net
