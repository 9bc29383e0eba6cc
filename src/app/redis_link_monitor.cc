#include "app/redis_link_monitor.h"

#include <algorithm>

namespace smlapi::app {

RedisLinkMonitor::RedisLinkMonitor(unsigned clients, std::string endpoint, api::LogSink& log)
    : endpoint_(std::move(endpoint)), log_(log), states_(clients, redis::LinkState::connecting) {}

RedisLinkMonitor::Overall RedisLinkMonitor::overall() const {
  const auto count = [this](redis::LinkState state) {
    return std::count(states_.begin(), states_.end(), state);
  };
  const auto up = count(redis::LinkState::up);
  const auto down = count(redis::LinkState::down);
  if (up == static_cast<long>(states_.size())) return Overall::up;
  if (down == static_cast<long>(states_.size())) return Overall::down;
  if (down > 0) return Overall::degraded;
  return reported_;  // connecting or closing: no news yet
}

void RedisLinkMonitor::link_changed(unsigned client, redis::LinkState state,
                                    std::string_view reason) {
  std::lock_guard lock(mutex_);
  if (client >= states_.size()) return;
  states_[client] = state;
  const Overall now = overall();
  if (now == reported_) return;
  std::string_view word = "up";
  std::string_view level = "info";
  if (now == Overall::up && failed_since_up_) word = "recovered";
  if (now == Overall::degraded) {
    word = "degraded";
    level = "warn";
  }
  if (now == Overall::down) {
    word = "down";
    level = "error";
  }
  failed_since_up_ = now != Overall::up;
  reported_ = now;
  const auto up = std::count(states_.begin(), states_.end(), redis::LinkState::up);
  std::string line;
  api::LogLine(line, level, "redis.link")
      .str("state", word)
      .str("redis", endpoint_)
      .str("reason", reason)
      .num("connections_up", static_cast<long long>(up))
      .num("connections", static_cast<long long>(states_.size()))
      .end();
  log_.write(line);
}

}  // namespace smlapi::app
