// The admission steps of one or more requests as one Redis command (lua::kAdmissionStepsMain),
// and each request's results read back from its reply. Shared by the blocking store
// (redis_admission_store.h: a batch of one) and the event-loop one (async_admission_store.h:
// every step a loop asks for in one turn), so both send and read exactly the same thing.
//
// Each key is sent once however many of the batch's requests name it (the script reads it once
// and writes it once), and so is each limit policy's interval and burst; a request is five
// bytes of indexes into them (lua::kAdmissionStepsMain says why bytes). Keys, values and TTLs are
// those of RedisStore::check and RedisRevocationStore::is_revoked.
//
// A batch is reused: clear() keeps its buffers, so a worker's batches allocate nothing once they
// have grown to the loop's usual size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ratelimit/admission_store.h"
#include "redis/script.h"

struct redisReply;

namespace smlapi::redis {

class RedisStore;
class RedisRevocationStore;

// The script of every admission shape, built once.
struct AdmissionScripts {
  AdmissionScripts();
  Script steps;
};

class AdmissionBatch {
 public:
  // Requests per command: bounds the script's run (Redis answers nothing else meanwhile) and
  // the reply's size.
  static constexpr std::size_t kMaxRequests = 64;
  static_assert(3 * kMaxRequests < 256, "a key's index is one byte");
  // Integers per request in the reply (64-bit little-endian): the address decision, listed, the
  // subject decision.
  static constexpr std::size_t kReplyWidth = 9;

  AdmissionBatch(const RedisStore& limits, const RedisRevocationStore& deny_list,
                 const Script& script);
  AdmissionBatch(const AdmissionBatch&) = delete;
  AdmissionBatch& operator=(const AdmissionBatch&) = delete;

  // False for a query with nothing to ask Redis (its results are empty).
  static bool needs_redis(const ratelimit::AdmissionQuery& query) noexcept;

  // Adds `query`'s steps (needs_redis(query), and not full()).
  void add(const ratelimit::AdmissionQuery& query);
  bool empty() const noexcept { return requests_ == 0; }
  bool full() const noexcept { return requests_ == kMaxRequests; }
  void clear();

  // The command's parts, valid until the next add() or clear().
  std::span<const std::string_view> keys();
  std::span<const std::string_view> args();
  // EVALSHA <sha1> <key count> <keys...> <args...>
  std::span<const std::string_view> evalsha();

  // The results of request number `index` in a batch of `requests`, checked against what the
  // script must have done for `query`; nullopt when the reply has another shape.
  static std::optional<ratelimit::AdmissionResults> read(const redisReply& reply,
                                                         std::size_t requests, std::size_t index,
                                                         const ratelimit::AdmissionQuery& query);

 private:
  // A piece of text_ (offsets: text_ moves as it grows).
  struct Piece {
    std::size_t offset = 0;
    std::size_t length = 0;
  };
  struct Key {
    std::uint64_t hash = 0;
    Piece text;
  };
  // The index (1-based, as the script reads it; 0: not asked) of the key `append` writes at
  // the end of text_: an earlier copy's, the new text then dropped, or a new key's.
  template <class Append>
  std::uint8_t add_key(bool asked, Append&& append);
  // The index (1-based; 0: no limit) of the limit's policy, its arguments added if new.
  std::uint8_t intern_policy(const std::optional<ratelimit::LimitQuery>& limit);
  void add_number(std::uint64_t value);
  void build_views();

  const RedisStore& limits_;
  const RedisRevocationStore& deny_list_;
  const Script& script_;
  std::string text_;                                // every key and number, one after another
  std::vector<Key> keys_;                           // distinct, in first-use order
  std::vector<const ratelimit::Policy*> policies_;  // distinct, in first-use order
  std::vector<Piece> policy_args_;                  // interval and burst per policy
  std::string steps_;                               // 5 bytes per request
  std::vector<std::string_view> views_;  // EVALSHA, sha1, key count, keys, steps, policies
  std::string key_count_;
  std::size_t requests_ = 0;
  bool views_current_ = false;
};

}  // namespace smlapi::redis
