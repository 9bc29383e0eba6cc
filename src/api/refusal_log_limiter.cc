#include "api/refusal_log_limiter.h"

#include <utility>

namespace smlapi::api {

std::optional<std::uint64_t> RefusalLogLimiter::admit(std::string_view client,
                                                      Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto found = clients_.find(std::string(client));
  if (found == clients_.end()) {
    if (clients_.size() >= kMaxClients) forget_quiet_clients(now);
    if (clients_.size() >= kMaxClients) {
      ++overflow_;  // a flood from many sources: counted, logged with the next line
      return std::nullopt;
    }
    clients_.emplace(std::string(client), Entry{now, 0});
    return std::exchange(overflow_, 0);
  }
  Entry& entry = found->second;
  if (now - entry.last < kInterval) {
    ++entry.suppressed;
    return std::nullopt;
  }
  entry.last = now;
  return std::exchange(entry.suppressed, 0) + std::exchange(overflow_, 0);
}

// Clients quiet for a whole interval can be forgotten: their next refusal is logged at once, as
// it would be anyway; what they had left unlogged moves to the overflow count.
void RefusalLogLimiter::forget_quiet_clients(Clock::time_point now) {
  for (auto it = clients_.begin(); it != clients_.end();) {
    if (now - it->second.last < kInterval) {
      ++it;
      continue;
    }
    overflow_ += it->second.suppressed;
    it = clients_.erase(it);
  }
}

}  // namespace smlapi::api
