// How the GCRA Lua function (lua_scripts.h) is called and how its reply reads, shared by
// RedisStore::check and RequestChecks so both turn the same reply into the same Decision.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "ratelimit/decision.h"
#include "ratelimit/policy.h"

struct redisReply;

namespace smlapi::redis {

// ARGV for the GCRA function: the emission interval in whole µs (at least 1) and the burst.
long long emission_interval_micros(const ratelimit::Policy& policy);
std::string emission_interval_us(const ratelimit::Policy& policy);
std::string burst_arg(const ratelimit::Policy& policy);

// {allowed, remaining, reset_after_us, retry_after_us} as a Decision with source == store;
// nullopt when the reply has another shape.
std::optional<ratelimit::Decision> gcra_decision(const redisReply& reply);
// The same four values as integers already read.
ratelimit::Decision gcra_decision(std::span<const long long, 4> values);

}  // namespace smlapi::redis
