#pragma once

namespace smlapi::redis::lua {

// All scripts read the clock with Redis TIME: one clock for every replica, so clock skew
// between application hosts cannot widen or narrow a limit. Times are integer microseconds
// (exact in Lua's doubles until the year 2255) and written with %.0f, since Lua's default
// number formatting keeps only 14 significant digits.

// GCRA (see ratelimit/gcra.h). KEYS[1] = key; ARGV[1] = emission interval in µs, ARGV[2] =
// burst. Returns {allowed, remaining, reset_after_us, retry_after_us}. Only allowed requests
// write; the key expires when its TAT is reached, when it is equivalent to an absent key.
inline constexpr const char* kGcra = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local depth = interval * (tonumber(ARGV[2]) + 1)
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - depth
if now < allow_at then
  return {0, 0, tat - now, allow_at - now}
end
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
return {1, math.floor((now - allow_at) / interval), new_tat - now, 0}
)lua";

// Failure counter, one hash per key (n = failures, u = locked until, µs). KEYS[1] = key;
// ARGV = free_failures, base_lockout_us, max_lockout_us, forget_after_us.
// Returns {failures, lockout_us}. Mirrors ratelimit::lockout_after.
inline constexpr const char* kRecordFailure = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
local free = tonumber(ARGV[1])
local lock = 0
if n >= free and n > 0 then
  lock = math.min(tonumber(ARGV[2]) * 2 ^ math.min(n - free, 40), tonumber(ARGV[3]))
end
redis.call('HSET', KEYS[1], 'u', string.format('%.0f', now + lock))
redis.call('PEXPIRE', KEYS[1], math.ceil(math.max(lock, tonumber(ARGV[4])) / 1000))
return {n, lock}
)lua";

// Reads a failure counter. KEYS[1] = key. Returns {failures, remaining_lockout_us}.
inline constexpr const char* kLockout = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local v = redis.call('HMGET', KEYS[1], 'n', 'u')
local n = tonumber(v[1]) or 0
local wait = (tonumber(v[2]) or 0) - now
if wait < 0 then wait = 0 end
return {n, wait}
)lua";

}  // namespace smlapi::redis::lua
