#include "redis/connection_pool.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace smlapi::redis {

struct ConnectionPool::Slot {
  std::mutex mutex;
  std::optional<Connection> connection;
  ratelimit::TimePoint next_attempt{};
  ratelimit::Duration backoff{};
};

class ConnectionPool::Lease {
 public:
  explicit Lease(Slot& slot, std::unique_lock<std::mutex> lock)
      : slot_(slot), lock_(std::move(lock)) {}
  Slot& slot() const noexcept { return slot_; }

 private:
  Slot& slot_;
  std::unique_lock<std::mutex> lock_;
};

ConnectionPool::ConnectionPool(Config config, const ratelimit::TimeSource& clock)
    : config_(std::move(config)),
      clock_(clock),
      slots_(std::make_unique<Slot[]>(std::max<std::uint32_t>(config_.connections, 1))) {
  config_.connections = std::max<std::uint32_t>(config_.connections, 1);
}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease ConnectionPool::acquire() {
  const std::size_t count = config_.connections;
  const std::size_t home = std::hash<std::thread::id>{}(std::this_thread::get_id()) % count;
  for (std::size_t i = 0; i < count; ++i) {
    Slot& slot = slots_[(home + i) % count];
    std::unique_lock lock(slot.mutex, std::try_to_lock);
    if (lock.owns_lock()) return Lease(slot, std::move(lock));
  }
  return Lease(slots_[home], std::unique_lock(slots_[home].mutex));
}

void ConnectionPool::schedule_reconnect(Slot& slot) {
  const ratelimit::Duration min = config_.reconnect_min;
  const ratelimit::Duration max = config_.reconnect_max;
  slot.backoff =
      slot.backoff == ratelimit::Duration::zero() ? min : std::min(slot.backoff * 2, max);
  slot.next_attempt = clock_.now() + slot.backoff;
}

boost::system::result<Reply, Error> ConnectionPool::execute(
    std::span<const std::string_view> args) {
  const Lease lease = acquire();
  return execute_on(lease.slot(), args);
}

boost::system::result<Reply, Error> ConnectionPool::execute_on(
    Slot& slot, std::span<const std::string_view> args) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool fresh = !slot.connection.has_value();
    if (fresh) {
      if (clock_.now() < slot.next_attempt) return Error{ErrorKind::backing_off, "redis down"};
      auto opened = Connection::open(config_);
      if (!opened.has_value()) {
        schedule_reconnect(slot);
        return opened.error();
      }
      slot.connection.emplace(std::move(*opened));
    }
    auto reply = slot.connection->command(args);
    if (reply.has_value() || !slot.connection->broken()) {
      slot.backoff = ratelimit::Duration::zero();
      return reply;
    }
    slot.connection.reset();
    // Only a connection that had worked and was then closed (server restart, idle timeout) is
    // retried at once; a timeout is not retried, so a slow Redis costs one timeout, not two.
    if (fresh || reply.error().kind != ErrorKind::closed) {
      schedule_reconnect(slot);
      return reply.error();
    }
  }
  return Error{ErrorKind::closed, "connection closed twice"};
}

}  // namespace smlapi::redis
