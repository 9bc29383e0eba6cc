#include "redis/redis_admission_store.h"

#include <hiredis/hiredis.h>

#include <array>
#include <span>
#include <string>

#include "redis/gcra_reply.h"
#include "redis/lua_scripts.h"

namespace smlapi::redis {
namespace {

using ratelimit::AdmissionQuery;
using ratelimit::AdmissionResults;
using ratelimit::Listing;

// Reads a reply of kRequestChecksMain ({address} | {address, listed} | {address, 0, subject})
// or, without an address, of kTokenChecksMain ({listed} | {0, subject}), checked against what
// the script must have done. nullopt for any other shape.
std::optional<AdmissionResults> parse(const redisReply& reply, bool address_sent,
                                      bool subject_sent) {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements < 1 || reply.elements > 3) {
    return std::nullopt;
  }
  AdmissionResults results;
  std::size_t next = 0;
  if (address_sent) {
    results.address = gcra_decision(*reply.element[next++]);
    if (!results.address.has_value()) return std::nullopt;
    if (!results.address->allowed) {
      if (reply.elements != 1) return std::nullopt;
      return results;
    }
  }
  if (reply.elements <= next || reply.element[next]->type != REDIS_REPLY_INTEGER) {
    return std::nullopt;
  }
  const bool listed = reply.element[next++]->integer != 0;
  results.listing = listed ? Listing::listed : Listing::absent;
  const bool subject_expected = !listed && subject_sent;
  if (reply.elements != next + (subject_expected ? 1 : 0)) return std::nullopt;
  if (subject_expected) {
    results.subject = gcra_decision(*reply.element[next]);
    if (!results.subject.has_value()) return std::nullopt;
  }
  return results;
}

}  // namespace

RedisAdmissionStore::RedisAdmissionStore(std::shared_ptr<RedisStore> store,
                                         std::shared_ptr<RedisRevocationStore> revocations)
    : store_(std::move(store)),
      revocations_(std::move(revocations)),
      request_script_(std::string(lua::kGcraFunction) + lua::kRequestChecksMain),
      token_script_(std::string(lua::kGcraFunction) + lua::kTokenChecksMain) {}

AdmissionResults RedisAdmissionStore::run(const AdmissionQuery& query) {
  if (query.jti.has_value()) return with_deny_list(query);
  return limits_only(query);
}

bool RedisAdmissionStore::unknown_listing_accepted() const {
  return revocations_->unknown_listing_accepted();
}

// No deny-list read: the limits as RedisStore checks them (each falls back by itself).
AdmissionResults RedisAdmissionStore::limits_only(const AdmissionQuery& query) {
  AdmissionResults results;
  if (query.address.has_value()) {
    results.address = store_->check(query.address->key, *query.address->policy, query.now);
    if (!results.address->allowed) return results;
  }
  if (query.subject.has_value()) {
    results.subject = store_->check(query.subject->key, *query.subject->policy, query.now);
  }
  return results;
}

// One script: the address limit (when asked), the deny-list, the subject limit (when asked).
AdmissionResults RedisAdmissionStore::with_deny_list(const AdmissionQuery& query) {
  // At most three keys and two limits' arguments; the views point into the strings.
  std::array<std::string, 3> key_text;
  std::array<std::string, 4> arg_text;
  std::array<std::string_view, 3> keys;
  std::array<std::string_view, 4> args;
  std::size_t key_count = 0;
  std::size_t arg_count = 0;
  const auto add_key = [&](std::string text) {
    key_text[key_count] = std::move(text);
    keys[key_count] = key_text[key_count];
    ++key_count;
  };
  const auto add_limit = [&](const ratelimit::LimitQuery& limit) {
    add_key(store_->redis_key(limit.key));
    for (std::string arg : {emission_interval_us(*limit.policy), burst_arg(*limit.policy)}) {
      arg_text[arg_count] = std::move(arg);
      args[arg_count] = arg_text[arg_count];
      ++arg_count;
    }
  };
  if (query.address.has_value()) add_limit(*query.address);
  add_key(revocations_->redis_key(*query.jti));
  if (query.subject.has_value()) add_limit(*query.subject);
  const Script& script = query.address.has_value() ? request_script_ : token_script_;
  auto reply = script.run(store_->pool(), std::span(keys.data(), key_count),
                          std::span(args.data(), arg_count));
  auto results = reply.has_value()
                     ? parse(**reply, query.address.has_value(), query.subject.has_value())
                     : std::nullopt;
  if (!results.has_value()) return without_redis(query);
  return std::move(*results);
}

AdmissionResults RedisAdmissionStore::without_redis(const AdmissionQuery& query) {
  AdmissionResults results;
  if (query.address.has_value()) {
    results.address = store_->without_redis(query.address->key, *query.address->policy, query.now);
    // Fail-closed stops here (its address decision is store_unavailable).
    if (!results.address->allowed) return results;
  }
  revocations_->count_error();
  // The mirror's answer keeps a revoked token refused through the outage.
  results.listing = revocations_->outage_listing(*query.jti, query.unix_now);
  if (query.subject.has_value() &&
      ratelimit::subject_limit_runs(*results.listing, unknown_listing_accepted())) {
    results.subject = store_->without_redis(query.subject->key, *query.subject->policy, query.now);
  }
  return results;
}

}  // namespace smlapi::redis
