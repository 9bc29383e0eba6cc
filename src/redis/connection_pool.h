#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include <boost/system/result.hpp>

#include "ratelimit/time.h"
#include "redis/config.h"
#include "redis/connection.h"
#include "redis/error.h"

namespace smlapi::redis {

// A fixed set of connections, one per worker thread. Each thread has a home slot (by thread id)
// and normally finds it free, so its lock is never contended; another thread only shares it if
// there are more threads than Config::connections.
//
// Reconnects by itself: a broken connection is dropped; the next call on that slot reconnects,
// at once after a working connection broke (e.g. Redis restarted: the command is retried once
// on the new connection), otherwise after a back-off that doubles from reconnect_min to
// reconnect_max while Redis stays down. During the back-off calls fail at once (backing_off)
// instead of waiting for a timeout, so a dead Redis costs requests nothing.
class ConnectionPool {
 public:
  ConnectionPool(Config config, const ratelimit::TimeSource& clock);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  boost::system::result<Reply, Error> execute(std::span<const std::string_view> args);

  const Config& config() const noexcept { return config_; }

 private:
  struct Slot;
  class Lease;

  Lease acquire();
  boost::system::result<Reply, Error> execute_on(Slot& slot,
                                                 std::span<const std::string_view> args);
  void schedule_reconnect(Slot& slot);

  Config config_;
  const ratelimit::TimeSource& clock_;
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace smlapi::redis
