// The one Redis command of an admission step (ratelimit/admission_store.h), built from a query
// and read back into results: shared by the blocking store (redis_admission_store.h) and the
// event-loop one (async_admission_store.h) so both send and read exactly the same thing.
//
// Shapes: a limit alone (the address's, or the subject's) is the GCRA script; the deny-list
// with the address limit is lua::kRequestChecksMain; without it, lua::kTokenChecksMain. Keys,
// values and TTLs are those of RedisStore::check and RedisRevocationStore::is_revoked.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ratelimit/admission_store.h"
#include "redis/script.h"

struct redisReply;

namespace smlapi::redis {

class RedisStore;
class RedisRevocationStore;

// The scripts of every shape, built once.
struct AdmissionScripts {
  AdmissionScripts();
  Script gcra;     // one limit
  Script request;  // address limit, deny-list, subject limit
  Script token;    // deny-list, subject limit
};

class AdmissionCommand {
 public:
  // False for the one shape with no single command (two limits without a deny-list read, which
  // api::Admission never asks for): run it as two checks.
  static bool single_command(const ratelimit::AdmissionQuery& query) noexcept;

  // `query` must be single_command(); the command keeps views into its own strings, so it
  // stays where it is built.
  AdmissionCommand(const ratelimit::AdmissionQuery& query, const RedisStore& limits,
                   const RedisRevocationStore& deny_list, const AdmissionScripts& scripts);
  AdmissionCommand(const AdmissionCommand&) = delete;
  AdmissionCommand& operator=(const AdmissionCommand&) = delete;

  const Script& script() const noexcept { return *script_; }
  std::span<const std::string_view> keys() const noexcept { return {keys_.data(), key_count_}; }
  std::span<const std::string_view> args() const noexcept { return {args_.data(), arg_count_}; }
  // EVALSHA <sha1> <key count> <keys...> <args...>
  std::span<const std::string_view> evalsha() const noexcept {
    return {evalsha_.data(), evalsha_count_};
  }

  // The results a reply to `query`'s command holds, checked against what the script must have
  // done; nullopt for any other shape.
  static std::optional<ratelimit::AdmissionResults> read(const redisReply& reply,
                                                         const ratelimit::AdmissionQuery& query);

 private:
  void add_key(std::string key);
  void add_limit(const ratelimit::LimitQuery& limit, const RedisStore& limits);

  const Script* script_ = nullptr;
  std::array<std::string, 3> key_text_;
  std::array<std::string, 4> arg_text_;
  std::array<std::string_view, 3> keys_;
  std::array<std::string_view, 4> args_;
  std::size_t key_count_ = 0;
  std::size_t arg_count_ = 0;
  std::string key_count_text_;
  std::array<std::string_view, 10> evalsha_;
  std::size_t evalsha_count_ = 0;
};

}  // namespace smlapi::redis
