#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "ratelimit/store.h"

namespace smlapi::ratelimit {

struct MemoryStoreConfig {
  // Upper bound on stored keys across all shards (each shard holds max_keys / shards, at least
  // one); beyond it, inserting a key evicts one.
  std::size_t max_keys = 250'000;
  // Independent lock domains; rounded up to a power of two. Threads only contend when they hit
  // the same shard at the same moment.
  std::size_t shards = 64;
  // Entries inspected per eviction (approximate LRU, as in Redis' allkeys-lru).
  std::size_t eviction_samples = 8;
  // Longer keys are compacted (see key.h), so each key costs a bounded number of bytes.
  std::size_t max_key_bytes = 128;
  // Upper bound on failure counters (brute-force defence), held in a table of their own that
  // rate-limit traffic never touches: a flood of distinct rate-limit keys cannot evict them.
  std::size_t max_failure_keys = 100'000;
};

// Upper bound of the memory the store's entries can occupy with this configuration
// (allocator overhead included, approximately).
std::size_t memory_ceiling_bytes(const MemoryStoreConfig& config) noexcept;

// In-process Store: sharded hash maps, one mutex per shard, bounded in keys and therefore in
// memory. When a shard is full, a new key replaces an expired entry if the sample holds one
// (expired entries are equivalent to absent keys, nothing is lost), otherwise the least recently
// used entry of the sample; the latter counts as an eviction (evictions(), on_eviction), since
// that client's state is forgotten and it may get a fresh quota.
//
// Failure counters (lockout, record_failure, clear_failures) live in a second table of
// max_failure_keys entries. Its entries expire (forget_after after the last failure, or the end
// of the lock-out); when it is full, a new counter replaces an expired one of the sample, else
// the sample's least valuable one: unlocked before locked, fewest failures first, then the one
// whose lock-out ends soonest (failure_evictions()). Evicting a counter that holds f failures
// therefore needs a table full of counters holding more, each bought with real failed logins.
class MemoryStore final : public Store {
 public:
  // `on_eviction` runs after each eviction of a live entry, outside any lock, on the thread that
  // caused it; it must be cheap and thread-safe (e.g. a Prometheus counter increment).
  explicit MemoryStore(MemoryStoreConfig config = {}, std::function<void()> on_eviction = {});
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  Decision check(std::string_view key, const Policy& policy, TimePoint now) override;
  Lockout lockout(std::string_view key, TimePoint now) override;
  Lockout record_failure(std::string_view key, const BackoffPolicy& policy, TimePoint now) override;
  void clear_failures(std::string_view key) override;
  bool healthy() override { return true; }

  std::uint64_t evictions() const noexcept { return evictions_.load(std::memory_order_relaxed); }
  std::uint64_t failure_evictions() const noexcept {
    return failure_evictions_.load(std::memory_order_relaxed);
  }
  std::size_t size() const;  // current number of keys (locks every shard; for tests/metrics)

 private:
  struct Shard;
  struct Access;

  Shard& shard_for(std::size_t key_hash) const noexcept;
  Shard& failure_shard_for(std::size_t key_hash) const noexcept;
  void note_evictions(std::uint64_t count);

  MemoryStoreConfig config_;
  std::function<void()> on_eviction_;
  std::size_t shard_bits_ = 0;
  std::unique_ptr<Shard[]> shards_;
  std::unique_ptr<Shard[]> failure_shards_;  // same count as shards_
  std::atomic<std::uint64_t> evictions_{0};
  std::atomic<std::uint64_t> failure_evictions_{0};
};

}  // namespace smlapi::ratelimit
