#pragma once

namespace smlapi::redis::lua {

// All scripts read the clock with Redis TIME: one clock for every replica, so clock skew
// between application hosts cannot widen or narrow a limit. Times are integer microseconds
// (exact in Lua's doubles until the year 2255) and written with %.0f, since Lua's default
// number formatting keeps only 14 significant digits.

// GCRA (see ratelimit/gcra.h) in Lua, shared by the single-key script (kGcraMain) and the
// admission steps (kAdmissionStepsMain), so both count exactly alike. gcra_decide is the
// arithmetic alone: given a key's stored TAT (nil: absent), the emission interval in µs, the
// burst and now in µs, it returns allowed (1/0), remaining, reset_after_us, retry_after_us and
// the TAT to store (nil when refused: only allowed requests write). store_tat writes a TAT so
// that the key expires when the TAT is reached, when it is equivalent to an absent key.
inline constexpr const char* kGcraFunction = R"lua(
local function redis_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local function gcra_decide(stored_tat, interval_arg, burst_arg, now)
  local interval = tonumber(interval_arg)
  local depth = interval * (tonumber(burst_arg) + 1)
  local tat = stored_tat or now
  if tat < now then tat = now end
  local new_tat = tat + interval
  local allow_at = new_tat - depth
  if now < allow_at then
    return 0, 0, tat - now, allow_at - now, nil
  end
  return 1, math.floor((now - allow_at) / interval), new_tat - now, 0, new_tat
end
local function store_tat(key, tat, now)
  redis.call('SET', key, string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000))
end
local function gcra(key, interval_arg, burst_arg, now)
  local allowed, remaining, reset_after, retry_after, new_tat =
    gcra_decide(tonumber(redis.call('GET', key)), interval_arg, burst_arg, now)
  if new_tat then store_tat(key, new_tat, now) end
  return {allowed, remaining, reset_after, retry_after}
end
)lua";

// One GCRA check. KEYS[1] = key; ARGV[1] = emission interval in µs, ARGV[2] = burst.
inline constexpr const char* kGcraMain = R"lua(
return gcra(KEYS[1], ARGV[1], ARGV[2], redis_now())
)lua";

// The admission steps (ratelimit/admission_store.h) of every request a worker's event loop asks
// for in one turn, as one script run: each request's address limit; only if it allows, its
// deny-list read; only if the token is not revoked and a subject key is given (the caller passes
// none when the token lacks the route's scope), its subject limit. Steps run in the order given,
// each seeing the previous ones' effects, so a batch decides exactly as the same steps sent one
// by one at the same moment would; a refused step leaves every later key of its request
// untouched.
//
// Why a batch reads each key once (MGET) and writes each key once at the end: Redis' cost is per
// command, about 2 µs for each call from Lua, and the per-request script spent six of them (TIME,
// GET and SET per limit, EXISTS). Here a batch costs TIME, one MGET and one SET per key it
// changed, whatever the number of its requests; a hot client's requests in one batch share all
// three. The SET writes a key's last TAT with the TTL that TAT gives, as the last of the
// separate SETs would have.
//
// KEYS: the batch's keys, each once. ARGV[1]: 5 bytes per request, read with string.byte (no
// number parsing: Redis' Lua parses numbers with strtod, a visible share of its time): the
// indexes in KEYS of its address key, deny-list key and subject key, then the indexes of its
// address and subject limits' policies (0: not asked). ARGV[2], ARGV[3]: the first policy's
// emission interval (µs) and burst; ARGV[4], ARGV[5] the second's, and so on.
// Returns one string: 9 little-endian 64-bit integers per request (struct.pack, Redis' bundled
// Lua library; one reply object for the client to read instead of nine per request): the
// address decision {allowed, remaining, reset_after_us, retry_after_us}, listed (0/1), the
// subject decision; -1 in place of a step that did not run (the whole decision reads
// {-1, 0, 0, 0}).
inline constexpr const char* kAdmissionStepsMain = R"lua(
local now = redis_now()
local stored = redis.call('MGET', unpack(KEYS))
local intervals, bursts = {}, {}
for p = 1, (#ARGV - 1) / 2 do
  intervals[p], bursts[p] = tonumber(ARGV[2 * p]), tonumber(ARGV[2 * p + 1])
end
local tats = {}
local changed = {}
local function limit(i, p)
  local allowed, remaining, reset_after, retry_after, new_tat =
    gcra_decide(tats[i] or tonumber(stored[i]), intervals[p], bursts[p], now)
  if new_tat then
    if tats[i] == nil then changed[#changed + 1] = i end
    tats[i] = new_tat
  end
  return allowed, remaining, reset_after, retry_after
end
local steps = ARGV[1]
local out = {}
for s = 1, #steps, 5 do
  local address, deny, subject, address_policy, subject_policy = string.byte(steps, s, s + 4)
  local a1, a2, a3, a4 = -1, 0, 0, 0
  local listed = -1
  local u1, u2, u3, u4 = -1, 0, 0, 0
  if address > 0 then a1, a2, a3, a4 = limit(address, address_policy) end
  if a1 ~= 0 and deny > 0 then
    if stored[deny] then listed = 1 else listed = 0 end
  end
  if a1 ~= 0 and listed ~= 1 and subject > 0 then
    u1, u2, u3, u4 = limit(subject, subject_policy)
  end
  out[#out + 1] = struct.pack('<i8i8i8i8i8i8i8i8i8', a1, a2, a3, a4, listed, u1, u2, u3, u4)
end
for _, i in ipairs(changed) do store_tat(KEYS[i], tats[i], now) end
return table.concat(out)
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
