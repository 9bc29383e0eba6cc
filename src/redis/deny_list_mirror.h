// This replica's in-memory copy of the Redis token deny-list, consulted only while Redis cannot
// be read: a revoked token stays refused through an outage. DenyListMirrorSync fills it (a full
// SCAN at start and every resync interval, pub/sub messages in between); RedisRevocationStore
// adds this replica's own revocations at once, and keeps those Redis has not taken yet
// ("unpublished") until the sync thread has written them.
//
// Entries are keyed by their Redis key (prefix + "revoked:" + bounded jti) and end at their
// deny_until (the token's exp + leeway, Unix seconds): a lookup after it finds nothing, and the
// next resync drops the entry.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ratelimit/admission_store.h"
#include "redis/config.h"

namespace smlapi::redis {

// What a replica answers for a token while the deny-list in Redis cannot be read.
enum class RevocationFailureMode : std::uint8_t {
  mirror,  // refuse what the mirror lists, accept the rest (Listing::absent)
  closed,  // the listing is unknown: every token is refused (503), listed or not
};

// The deny-list key of `jti`: prefix + "revoked:" + jti bounded like every other key; or
// appended to `out`.
std::string deny_list_key(const Config& config, std::string_view jti);
void append_deny_list_key(std::string& out, const Config& config, std::string_view jti);

struct DenyListEntry {
  std::string key;
  std::int64_t deny_until = 0;
};

// Revocations are announced on one channel per key prefix as "<deny_until> <key>".
std::string revocation_channel(const Config& config);
std::string revocation_message(const DenyListEntry& entry);
std::optional<DenyListEntry> parse_revocation_message(std::string_view message);

class DenyListMirror {
 public:
  DenyListMirror(const Config& config, RevocationFailureMode mode);

  // THE outage decision, for every store that reads the deny-list in Redis: listed when the
  // mirror holds an unexpired entry for `jti`, otherwise absent (mirror mode) or unknown
  // (closed mode). Safe from any thread; one shared lock and one hash lookup.
  ratelimit::Listing outage_listing(std::string_view jti, std::int64_t unix_now) const;
  RevocationFailureMode failure_mode() const noexcept { return mode_; }

  bool contains(std::string_view key, std::int64_t unix_now) const;
  std::size_t size() const;

  // An entry read from Redis (a message or a resync).
  void add(const DenyListEntry& entry);
  // A revocation made on this replica, refused here at once and kept (through resyncs) until
  // published(). False when too many are waiting already: nothing was added.
  bool add_unpublished(const DenyListEntry& entry);
  void published(std::string_view key);
  std::vector<DenyListEntry> unpublished() const;

  // Resync: `generation()` before the SCAN, then `replace()` with what it found. Entries added
  // after that generation, and unpublished ones, are kept; everything else not in
  // `from_redis` (expired, or deleted in Redis) is dropped.
  std::uint64_t generation() const;
  void replace(const std::vector<DenyListEntry>& from_redis, std::uint64_t since,
               std::int64_t unix_now);

  // Bounds the memory a long outage can take: revocations beyond it answer 503.
  static constexpr std::size_t kMaxUnpublished = 10'000;

 private:
  struct Entry {
    std::int64_t deny_until = 0;
    std::uint64_t generation = 0;
    bool unpublished = false;
  };
  // Transparent, so a lookup by string_view copies nothing.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept {
      return std::hash<std::string_view>{}(key);
    }
  };
  using Map = std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>>;

  void merge_locked(const std::string& key, const Entry& entry);

  Config config_;  // prefix and key bound, for deny_list_key()
  RevocationFailureMode mode_;
  mutable std::shared_mutex mutex_;
  Map entries_;
  std::uint64_t generation_ = 0;
  std::size_t unpublished_ = 0;
};

}  // namespace smlapi::redis
