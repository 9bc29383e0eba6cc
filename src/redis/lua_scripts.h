#pragma once

namespace smlapi::redis::lua {

// All scripts read the clock with Redis TIME: one clock for every replica, so clock skew
// between application hosts cannot widen or narrow a limit. Times are integer microseconds
// (exact in Lua's doubles until the year 2255) and written with %.0f, since Lua's default
// number formatting keeps only 14 significant digits.

// GCRA (see ratelimit/gcra.h) as a Lua function, shared by the single-key script (kGcraMain)
// and the combined request script (kRequestChecksMain), so both count exactly alike. Arguments:
// key, emission interval in µs, burst, now in µs. Returns {allowed, remaining, reset_after_us,
// retry_after_us}. Only allowed requests write; the key expires when its TAT is reached, when it
// is equivalent to an absent key.
inline constexpr const char* kGcraFunction = R"lua(
local function redis_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local function gcra(key, interval_arg, burst_arg, now)
  local interval = tonumber(interval_arg)
  local depth = interval * (tonumber(burst_arg) + 1)
  local tat = tonumber(redis.call('GET', key)) or now
  if tat < now then tat = now end
  local new_tat = tat + interval
  local allow_at = new_tat - depth
  if now < allow_at then
    return {0, 0, tat - now, allow_at - now}
  end
  redis.call('SET', key, string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
  return {1, math.floor((now - allow_at) / interval), new_tat - now, 0}
end
)lua";

// One GCRA check. KEYS[1] = key; ARGV[1] = emission interval in µs, ARGV[2] = burst.
inline constexpr const char* kGcraMain = R"lua(
return gcra(KEYS[1], ARGV[1], ARGV[2], redis_now())
)lua";

// The shared-state checks of one authenticated request in one round trip, in the order the
// API applies them one by one: the address limit; only if it allows, the deny-list read; only
// if the token is not revoked and a subject key is given (the caller passes none when the
// token lacks the route's scope), the subject limit. A refused step leaves every later key
// untouched, exactly as when the steps run as separate commands.
// KEYS[1] = address key, KEYS[2] = deny-list key, KEYS[3] = subject key (optional);
// ARGV = address interval, address burst, subject interval, subject burst.
// Returns {address_gcra} | {address_gcra, revoked (0/1)} | {address_gcra, 0, subject_gcra}.
inline constexpr const char* kRequestChecksMain = R"lua(
local now = redis_now()
local address = gcra(KEYS[1], ARGV[1], ARGV[2], now)
if address[1] == 0 then return {address} end
local revoked = redis.call('EXISTS', KEYS[2])
if revoked ~= 0 or #KEYS < 3 then return {address, revoked} end
return {address, revoked, gcra(KEYS[3], ARGV[3], ARGV[4], now)}
)lua";

// The token's checks of one request after its address limit ran separately (a token seen for
// the first time: its address limit must come before the signature check): the deny-list read
// and, only if the token is not revoked and a subject key is given, the subject limit.
// KEYS[1] = deny-list key, KEYS[2] = subject key (optional); ARGV = subject interval, burst.
// Returns {revoked (0/1)} | {0, subject_gcra}.
inline constexpr const char* kTokenChecksMain = R"lua(
local revoked = redis.call('EXISTS', KEYS[1])
if revoked ~= 0 or #KEYS < 2 then return {revoked} end
return {revoked, gcra(KEYS[2], ARGV[1], ARGV[2], redis_now())}
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

// A revocation: the deny-list key until the token's deadline, and its announcement to every
// replica's mirror (DenyListMirror), in one step so no replica can see one without the other.
// KEYS[1] = deny-list key; ARGV[1] = deny_until (Unix s), ARGV[2] = channel, ARGV[3] = message.
inline constexpr const char* kRevokeAndPublish = R"lua(
redis.call('SET', KEYS[1], '1', 'EXAT', ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
)lua";

// The deadlines of deny-list keys found by SCAN, for a mirror's resync. PTTL and TIME rather
// than EXPIRETIME, which needs Redis 7. KEYS = deny-list keys. Returns one number per key: the
// Unix second it expires at (rounded up), -1 without expiry, -2 when the key is gone.
inline constexpr const char* kDenyListDeadlines = R"lua(
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local deadlines = {}
for i, key in ipairs(KEYS) do
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then deadlines[i] = ttl else deadlines[i] = math.ceil((now_ms + ttl) / 1000) end
end
return deadlines
)lua";

}  // namespace smlapi::redis::lua
