#include "redis/redis_store.h"

#include <algorithm>
#include <array>
#include <optional>

#include <hiredis/hiredis.h>

#include "ratelimit/key.h"
#include "redis/gcra_reply.h"
#include "redis/lua_scripts.h"

namespace smlapi::redis {
namespace {

using ratelimit::Decision;
using ratelimit::DecisionSource;
using ratelimit::Duration;
using ratelimit::Lockout;
using std::chrono::microseconds;

// The script replies are flat arrays of integers.
template <std::size_t N>
std::optional<std::array<long long, N>> integers(const Reply& reply) {
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != N) return std::nullopt;
  std::array<long long, N> values{};
  for (std::size_t i = 0; i < N; ++i) {
    if (reply->element[i]->type != REDIS_REPLY_INTEGER) return std::nullopt;
    values[i] = reply->element[i]->integer;
  }
  return values;
}

long long whole_microseconds_ceil(Duration duration) { return (duration.count() + 999) / 1000; }

// The local limit while Redis is down: this replica's share of the shared limit.
ratelimit::Policy fallback_policy(const ratelimit::Policy& policy, std::uint32_t replicas) {
  ratelimit::Policy local = policy;
  local.limit = std::max<std::uint32_t>(policy.limit / replicas, 1);
  local.burst = policy.burst / replicas;
  return local;
}

}  // namespace

boost::system::result<std::unique_ptr<RedisStore>, ConfigError> RedisStore::create(
    Config config, const ratelimit::TimeSource& clock, ratelimit::MemoryStoreConfig fallback) {
  if (auto valid = validate(config); !valid.has_value()) return valid.error();
  return std::unique_ptr<RedisStore>(new RedisStore(std::move(config), clock, fallback));
}

RedisStore::RedisStore(Config config, const ratelimit::TimeSource& clock,
                       ratelimit::MemoryStoreConfig fallback)
    : pool_(std::move(config), clock),
      fallback_(fallback),
      gcra_(std::string(lua::kGcraFunction) + lua::kGcraMain),
      record_failure_(lua::kRecordFailure),
      lockout_(lua::kLockout) {}

std::string RedisStore::redis_key(std::string_view key) const {
  std::string full;
  append_redis_key(full, key);
  return full;
}

void RedisStore::append_redis_key(std::string& out, std::string_view key) const {
  std::string scratch;
  out.append(pool_.config().key_prefix);
  out.append(ratelimit::bounded_key(key, pool_.config().max_key_bytes, scratch));
}

Decision RedisStore::without_redis(std::string_view key, const ratelimit::Policy& policy,
                                   ratelimit::TimePoint now) {
  count_error();
  if (pool_.config().failure_mode == FailureMode::fail_closed) {
    Decision denied;
    denied.allowed = false;
    denied.retry_after = pool_.config().unavailable_retry_after;
    denied.reset_after = denied.retry_after;
    denied.source = DecisionSource::store_unavailable;
    return denied;
  }
  Decision local =
      fallback_.check(key, fallback_policy(policy, pool_.config().fallback_replicas), now);
  local.source = DecisionSource::fallback;
  return local;
}

Decision RedisStore::check(std::string_view key, const ratelimit::Policy& policy,
                           ratelimit::TimePoint now) {
  const std::string full_key = redis_key(key);
  const auto reply =
      gcra_.run(pool_, {full_key}, {emission_interval_us(policy), burst_arg(policy)});
  const auto decision = reply.has_value() ? gcra_decision(**reply) : std::nullopt;
  if (!decision.has_value()) return without_redis(key, policy, now);
  return *decision;
}

Lockout RedisStore::lockout(std::string_view key, ratelimit::TimePoint now) {
  const std::string full_key = redis_key(key);
  const auto reply = lockout_.run(pool_, {full_key}, {});
  const auto values = reply.has_value() ? integers<2>(*reply) : std::nullopt;
  if (values.has_value()) {
    return Lockout{static_cast<std::uint32_t>(std::clamp<long long>((*values)[0], 0, UINT32_MAX)),
                   microseconds((*values)[1]), DecisionSource::store};
  }
  count_error();
  if (pool_.config().failure_mode == FailureMode::fail_closed) {
    return Lockout{0, pool_.config().unavailable_retry_after, DecisionSource::store_unavailable};
  }
  Lockout local = fallback_.lockout(key, now);
  local.source = DecisionSource::fallback;
  return local;
}

Lockout RedisStore::record_failure(std::string_view key, const ratelimit::BackoffPolicy& policy,
                                   ratelimit::TimePoint now) {
  const std::string full_key = redis_key(key);
  const std::string free = std::to_string(policy.free_failures);
  const std::string base = std::to_string(whole_microseconds_ceil(policy.base_lockout));
  const std::string max = std::to_string(whole_microseconds_ceil(policy.max_lockout));
  const std::string forget = std::to_string(whole_microseconds_ceil(policy.forget_after));
  const auto reply = record_failure_.run(pool_, {full_key}, {free, base, max, forget});
  const auto values = reply.has_value() ? integers<2>(*reply) : std::nullopt;
  if (values.has_value()) {
    return Lockout{static_cast<std::uint32_t>(std::clamp<long long>((*values)[0], 0, UINT32_MAX)),
                   microseconds((*values)[1]), DecisionSource::store};
  }
  count_error();
  // Counted locally in both modes, so guessing stays throttled on this replica during an outage.
  Lockout local = fallback_.record_failure(key, policy, now);
  local.source = pool_.config().failure_mode == FailureMode::fail_closed
                     ? DecisionSource::store_unavailable
                     : DecisionSource::fallback;
  return local;
}

void RedisStore::clear_failures(std::string_view key) {
  const std::string full_key = redis_key(key);
  const std::string_view command[] = {"DEL", full_key};
  if (!pool_.execute(command).has_value()) count_error();
  fallback_.clear_failures(key);
}

bool RedisStore::healthy() {
  const std::string_view ping[] = {"PING"};
  return pool_.execute(ping).has_value();
}

}  // namespace smlapi::redis
