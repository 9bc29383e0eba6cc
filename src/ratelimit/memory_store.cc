#include "ratelimit/memory_store.h"

#include <algorithm>
#include <bit>
#include <mutex>
#include <string>
#include <unordered_map>

#include "ratelimit/gcra.h"
#include "ratelimit/key.h"

namespace smlapi::ratelimit {
namespace {

// One key's state. A rate-limit key uses `tat`; a failure counter uses `failures` and
// `locked_until`. After `expires_at` the entry is equivalent to an absent key.
struct Entry {
  TimePoint expires_at{};
  TimePoint last_used{};
  TimePoint tat{};
  TimePoint locked_until{};
  std::uint32_t failures = 0;
};

// A key with its hash, computed once per operation: the hash picks the shard
// and then the map's bucket, so looking a key up costs one hash, not two.
struct HashedKey {
  std::string_view key;
  std::size_t hash;
};

struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view key) const noexcept {
    return std::hash<std::string_view>{}(key);
  }
  std::size_t operator()(const HashedKey& key) const noexcept { return key.hash; }
};

struct KeyEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
  bool operator()(const HashedKey& a, std::string_view b) const noexcept { return a.key == b; }
  bool operator()(std::string_view a, const HashedKey& b) const noexcept { return a == b.key; }
};

HashedKey hashed(std::string_view key) noexcept { return HashedKey{key, KeyHash{}(key)}; }

using Map = std::unordered_map<std::string, Entry, KeyHash, KeyEqual>;

// Rough cost of one entry: hash node (next pointer, cached hash, std::string, Entry), its
// bucket slot, allocator headers, and the key's heap buffer when it does not fit in the string.
constexpr std::size_t kEntryOverheadBytes = 8 + 8 + sizeof(std::string) + sizeof(Entry) + 8 + 32;
// Mutex, map header and its initial bucket array.
constexpr std::size_t kShardOverheadBytes = 256 + 1024 * 8;

}  // namespace

struct alignas(64) MemoryStore::Shard {
  std::mutex mutex;
  Map map;
  std::size_t capacity = 1;
  std::size_t cursor = 0;  // bucket where the next eviction sample starts (a CLOCK hand)
};

// Which of two live failure counters a full failure table gives up first: an unlocked one
// before a locked one; among unlocked, the one with fewer failures (least recently used on a
// tie); among locked, the one whose lock-out ends first.
bool less_valuable(const Entry& a, const Entry& b, TimePoint now) noexcept {
  const bool a_locked = a.locked_until > now;
  const bool b_locked = b.locked_until > now;
  if (a_locked != b_locked) return !a_locked;
  if (a_locked) return a.locked_until < b.locked_until;
  if (a.failures != b.failures) return a.failures < b.failures;
  return a.last_used < b.last_used;
}

// Finds or creates entries of one locked shard, evicting when it is full.
struct MemoryStore::Access {
  Shard& shard;
  std::size_t samples;
  bool failure_table = false;  // victims by less_valuable(), not by last use
  std::uint64_t evicted = 0;

  Entry* find(const HashedKey& key, TimePoint now) {
    const auto it = shard.map.find(key);
    if (it == shard.map.end()) return nullptr;
    if (it->second.expires_at <= now) it->second = Entry{};
    it->second.last_used = now;
    return &it->second;
  }

  Entry& find_or_insert(const HashedKey& key, TimePoint now) {
    if (Entry* entry = find(key, now)) return *entry;
    if (shard.map.size() >= shard.capacity) return replace(pick_victim(now), key.key, now);
    Entry& entry = shard.map.try_emplace(std::string(key.key)).first->second;
    entry.last_used = now;
    return entry;
  }

  // Samples entries starting at the CLOCK hand: the first expired one wins, otherwise the
  // least recently used of the sample.
  Map::iterator pick_victim(TimePoint now) {
    const std::size_t buckets = shard.map.bucket_count();
    const std::string* oldest = nullptr;
    TimePoint oldest_use = TimePoint::max();
    std::size_t seen = 0;
    std::size_t step = 0;
    for (; step < buckets && seen < samples; ++step) {
      const std::size_t bucket = (shard.cursor + step) % buckets;
      for (auto it = shard.map.begin(bucket); it != shard.map.end(bucket); ++it, ++seen) {
        if (it->second.expires_at <= now) {
          shard.cursor = bucket + 1;
          return shard.map.find(it->first);
        }
        if (failure_table) {
          if (oldest == nullptr || less_valuable(it->second, shard.map.find(*oldest)->second, now))
            oldest = &it->first;
        } else if (it->second.last_used < oldest_use) {
          oldest_use = it->second.last_used;
          oldest = &it->first;
        }
      }
    }
    shard.cursor = (shard.cursor + step) % buckets;
    ++evicted;
    return shard.map.find(*oldest);
  }

  // Reuses the victim's node (and its key buffer) for the new key: no allocation on the
  // eviction path, which is the hot path under a flood of distinct keys.
  Entry& replace(Map::iterator victim, std::string_view key, TimePoint now) {
    auto node = shard.map.extract(victim);
    node.key().assign(key);
    node.mapped() = Entry{};
    node.mapped().last_used = now;
    return shard.map.insert(std::move(node)).position->second;
  }
};

std::size_t memory_ceiling_bytes(const MemoryStoreConfig& config) noexcept {
  const std::size_t key_bytes = std::max(config.max_key_bytes, kMinKeyBytes) + 1;
  const std::size_t shards = std::bit_ceil(std::max<std::size_t>(config.shards, 1));
  const std::size_t per_shard = std::max<std::size_t>(config.max_keys / shards, 1);
  const std::size_t per_failure_shard = std::max<std::size_t>(config.max_failure_keys / shards, 1);
  return shards * (2 * kShardOverheadBytes +
                   (per_shard + per_failure_shard) * (kEntryOverheadBytes + key_bytes));
}

MemoryStore::MemoryStore(MemoryStoreConfig config, std::function<void()> on_eviction)
    : config_(config), on_eviction_(std::move(on_eviction)) {
  const std::size_t shard_count = std::bit_ceil(std::max<std::size_t>(config_.shards, 1));
  config_.shards = shard_count;
  config_.eviction_samples = std::max<std::size_t>(config_.eviction_samples, 1);
  shard_bits_ = static_cast<std::size_t>(std::countr_zero(shard_count));
  shards_ = std::make_unique<Shard[]>(shard_count);
  failure_shards_ = std::make_unique<Shard[]>(shard_count);
  const std::size_t per_shard = std::max<std::size_t>(config_.max_keys / shard_count, 1);
  const std::size_t per_failure_shard =
      std::max<std::size_t>(config_.max_failure_keys / shard_count, 1);
  for (std::size_t i = 0; i < shard_count; ++i) {
    shards_[i].capacity = per_shard;
    shards_[i].map.reserve(std::min<std::size_t>(per_shard, 1024));
    failure_shards_[i].capacity = per_failure_shard;
  }
}

MemoryStore::~MemoryStore() = default;

MemoryStore::Shard& MemoryStore::shard_for(std::size_t hash) const noexcept {
  if (shard_bits_ == 0) return shards_[0];
  // High bits pick the shard; the map's buckets use the hash modulo a prime.
  return shards_[hash >> (8 * sizeof(std::size_t) - shard_bits_)];
}

MemoryStore::Shard& MemoryStore::failure_shard_for(std::size_t hash) const noexcept {
  if (shard_bits_ == 0) return failure_shards_[0];
  return failure_shards_[hash >> (8 * sizeof(std::size_t) - shard_bits_)];
}

void MemoryStore::note_evictions(std::uint64_t count) {
  if (count == 0) return;
  evictions_.fetch_add(count, std::memory_order_relaxed);
  if (on_eviction_) {
    for (std::uint64_t i = 0; i < count; ++i) on_eviction_();
  }
}

Decision MemoryStore::check(std::string_view key, const Policy& policy, TimePoint now) {
  std::string scratch;
  const HashedKey stored = hashed(bounded_key(key, config_.max_key_bytes, scratch));
  Shard& shard = shard_for(stored.hash);
  Access access{shard, config_.eviction_samples};
  Decision decision;
  {
    const std::lock_guard lock(shard.mutex);
    Entry& entry = access.find_or_insert(stored, now);
    const GcraResult result = gcra(entry.tat, now, policy);
    entry.tat = result.tat;
    entry.expires_at = result.tat;
    decision = result.decision;
  }
  note_evictions(access.evicted);
  return decision;
}

Lockout MemoryStore::lockout(std::string_view key, TimePoint now) {
  std::string scratch;
  const HashedKey stored = hashed(bounded_key(key, config_.max_key_bytes, scratch));
  Shard& shard = failure_shard_for(stored.hash);
  Access access{shard, config_.eviction_samples, true};
  const std::lock_guard lock(shard.mutex);
  const Entry* entry = access.find(stored, now);
  if (entry == nullptr) return Lockout{};
  return Lockout{entry->failures, std::max(entry->locked_until - now, Duration::zero()),
                 DecisionSource::store};
}

Lockout MemoryStore::record_failure(std::string_view key, const BackoffPolicy& policy,
                                    TimePoint now) {
  std::string scratch;
  const HashedKey stored = hashed(bounded_key(key, config_.max_key_bytes, scratch));
  Shard& shard = failure_shard_for(stored.hash);
  Access access{shard, config_.eviction_samples, true};
  Lockout result;
  {
    const std::lock_guard lock(shard.mutex);
    Entry& entry = access.find_or_insert(stored, now);
    entry.failures = entry.failures == UINT32_MAX ? entry.failures : entry.failures + 1;
    const Duration lock_for = lockout_after(entry.failures, policy);
    entry.locked_until = now + lock_for;
    entry.expires_at = std::max(entry.locked_until, now + policy.forget_after);
    result = Lockout{entry.failures, lock_for, DecisionSource::store};
  }
  failure_evictions_.fetch_add(access.evicted, std::memory_order_relaxed);
  return result;
}

void MemoryStore::clear_failures(std::string_view key) {
  std::string scratch;
  const HashedKey stored = hashed(bounded_key(key, config_.max_key_bytes, scratch));
  Shard& shard = failure_shard_for(stored.hash);
  const std::lock_guard lock(shard.mutex);
  if (const auto it = shard.map.find(stored); it != shard.map.end()) shard.map.erase(it);
}

std::size_t MemoryStore::size() const {
  std::size_t total = 0;
  for (std::size_t i = 0; i < config_.shards; ++i) {
    const std::lock_guard lock(shards_[i].mutex);
    total += shards_[i].map.size();
    const std::lock_guard failure_lock(failure_shards_[i].mutex);
    total += failure_shards_[i].map.size();
  }
  return total;
}

}  // namespace smlapi::ratelimit
