// A fair share of the connection budget per client: no single client may hold more than
// `max_per_client` open connections, so one address cannot take every slot and lock everyone
// else out. A client is its IPv4 address or its IPv6 /64, exactly as the rate limiter groups
// addresses (net::address_bucket), so rotating addresses inside one /64 gains nothing. Trusted
// proxies are exempt: an ingress carries many clients on its connections (their own limits
// apply per request, after X-Forwarded-For).
//
// Touched once per accept and once per close, never per request; thread-safe.
#pragma once

#include "net/ip_address.h"
#include "net/trusted_proxies.h"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace smlapi::http {

class ClientConnectionCounts {
 public:
  // `max_per_client` 0: no cap.
  ClientConnectionCounts(std::uint32_t max_per_client, net::TrustedProxies exempt);

  // The key to give back to close() when the client may open one more connection (empty when
  // it is not counted: no cap, or a trusted proxy); std::nullopt when it already holds its share.
  std::optional<std::string> try_open(const net::IpAddress& peer);
  void close(std::string_view key);

  std::uint32_t max_per_client() const noexcept { return max_per_client_; }

 private:
  const std::uint32_t max_per_client_;
  const net::TrustedProxies exempt_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::uint32_t> open_;
};

}  // namespace smlapi::http
