#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "ratelimit/memory_store.h"
#include "ratelimit/store.h"
#include "redis/config.h"
#include "redis/connection_pool.h"
#include "redis/script.h"

namespace smlapi::redis {

// ratelimit::Store shared by every replica through one Redis. Each operation is one Lua script
// (atomic per key) using the Redis server clock (TIME); keys carry a TTL so idle keys vanish.
// The `now` argument is used only by the local fallback limiter.
//
// When Redis fails (down, timeout, auth refused, back-off running), Config::failure_mode
// decides: fail_open answers from a local MemoryStore with limits divided by
// Config::fallback_replicas (Decision::source == fallback); fail_closed denies with
// Decision::source == store_unavailable and retry_after = Config::unavailable_retry_after.
class RedisStore final : public ratelimit::Store {
 public:
  // Validates the configuration; does not need Redis to be up (it connects lazily).
  static boost::system::result<std::unique_ptr<RedisStore>, ConfigError> create(
      Config config, const ratelimit::TimeSource& clock,
      ratelimit::MemoryStoreConfig fallback = {});

  ratelimit::Decision check(std::string_view key, const ratelimit::Policy& policy,
                            ratelimit::TimePoint now) override;
  ratelimit::Lockout lockout(std::string_view key, ratelimit::TimePoint now) override;
  ratelimit::Lockout record_failure(std::string_view key, const ratelimit::BackoffPolicy& policy,
                                    ratelimit::TimePoint now) override;
  void clear_failures(std::string_view key) override;

  // PING through a pool connection: false while Redis is unreachable (including back-off).
  bool healthy() override;

  // Operations that Redis could not answer (for a store-errors metric).
  std::uint64_t errors() const noexcept { return errors_.load(std::memory_order_relaxed); }

  // The key as stored in Redis: prefix + bounded key; or appended to `out`.
  std::string redis_key(std::string_view key) const;
  void append_redis_key(std::string& out, std::string_view key) const;

  // The decision check() gives when Redis could not answer (Config::failure_mode: the local
  // fallback limiter or store_unavailable); counts the error. RequestChecks uses it so that a
  // failed combined script degrades exactly like the separate checks.
  ratelimit::Decision without_redis(std::string_view key, const ratelimit::Policy& policy,
                                    ratelimit::TimePoint now);

  // The per-worker connections, shared with RequestChecks (same server, no extra sockets).
  ConnectionPool& pool() noexcept { return pool_; }

 private:
  RedisStore(Config config, const ratelimit::TimeSource& clock,
             ratelimit::MemoryStoreConfig fallback);

  void count_error() noexcept { errors_.fetch_add(1, std::memory_order_relaxed); }

  ConnectionPool pool_;
  ratelimit::MemoryStore fallback_;
  Script gcra_;
  Script record_failure_;
  Script lockout_;
  std::atomic<std::uint64_t> errors_{0};
};

}  // namespace smlapi::redis
