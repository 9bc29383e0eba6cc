#include "http/client_connection_counts.h"

namespace smlapi::http {

ClientConnectionCounts::ClientConnectionCounts(std::uint32_t max_per_client,
                                               net::TrustedProxies exempt)
    : max_per_client_(max_per_client), exempt_(std::move(exempt)) {}

std::optional<std::string> ClientConnectionCounts::try_open(const net::IpAddress& peer) {
  if (max_per_client_ == 0) return std::string();
  const net::IpAddress address = net::normalise(peer);
  if (exempt_.trusts(address)) return std::string();
  std::string key = net::address_bucket(address);
  std::lock_guard lock(mutex_);
  std::uint32_t& open = open_[key];
  if (open >= max_per_client_) {
    if (open == 0) open_.erase(key);
    return std::nullopt;
  }
  ++open;
  return key;
}

void ClientConnectionCounts::close(std::string_view key) {
  if (key.empty()) return;
  std::lock_guard lock(mutex_);
  auto found = open_.find(std::string(key));
  if (found == open_.end()) return;
  // Erase at zero: the table holds only clients with open connections, so it is bounded by
  // the connection budget however many addresses come and go.
  if (--found->second == 0) open_.erase(found);
}

}  // namespace smlapi::http
