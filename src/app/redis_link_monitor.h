// What the operator sees of the workers' Redis connections: one log line per change of the
// overall state — up, degraded (some workers' connections down), down (all), recovered (all up
// again after a failure) — with the reason the last connection gave, never a secret.
#pragma once

#include "api/log.h"
#include "redis/async_client.h"

#include <mutex>
#include <string>
#include <vector>

namespace smlapi::app {

class RedisLinkMonitor final : public redis::LinkObserver {
 public:
  RedisLinkMonitor(unsigned clients, std::string endpoint, api::LogSink& log);

  // From any worker's loop thread.
  void link_changed(unsigned client, redis::LinkState state, std::string_view reason) override;

 private:
  enum class Overall { starting, up, degraded, down };
  Overall overall() const;

  std::string endpoint_;  // redis::describe(): no password
  api::LogSink& log_;
  std::mutex mutex_;
  std::vector<redis::LinkState> states_;
  Overall reported_ = Overall::starting;
  bool failed_since_up_ = false;
};

}  // namespace smlapi::app
