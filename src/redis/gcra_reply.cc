#include "redis/gcra_reply.h"

#include <algorithm>
#include <chrono>
#include <cstdint>

#include <hiredis/hiredis.h>

namespace smlapi::redis {

long long emission_interval_micros(const ratelimit::Policy& policy) {
  using std::chrono::microseconds;
  const long long period_us = std::chrono::duration_cast<microseconds>(policy.period).count();
  const long long limit = std::max<long long>(policy.limit, 1);
  return std::max<long long>((period_us + limit - 1) / limit, 1);
}

std::string emission_interval_us(const ratelimit::Policy& policy) {
  return std::to_string(emission_interval_micros(policy));
}

std::string burst_arg(const ratelimit::Policy& policy) { return std::to_string(policy.burst); }

std::optional<ratelimit::Decision> gcra_decision(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 4) return std::nullopt;
  long long values[4] = {};
  for (std::size_t i = 0; i < 4; ++i) {
    if (reply.element[i]->type != REDIS_REPLY_INTEGER) return std::nullopt;
    values[i] = reply.element[i]->integer;
  }
  return gcra_decision(values);
}

ratelimit::Decision gcra_decision(std::span<const long long, 4> values) {
  ratelimit::Decision decision;
  decision.allowed = values[0] == 1;
  decision.remaining = static_cast<std::uint32_t>(std::clamp<long long>(values[1], 0, UINT32_MAX));
  decision.reset_after = std::chrono::microseconds(values[2]);
  decision.retry_after = std::chrono::microseconds(values[3]);
  decision.source = ratelimit::DecisionSource::store;
  return decision;
}

}  // namespace smlapi::redis
