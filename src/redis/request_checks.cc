#include "redis/request_checks.h"

#include <hiredis/hiredis.h>

#include "redis/gcra_reply.h"
#include "redis/lua_scripts.h"

namespace smlapi::redis {
namespace {

// Reads the script's reply: {address} | {address, revoked} | {address, 0, subject}, checked
// against what the script must have done given the address decision and whether a subject
// key was sent. nullopt for any other shape.
std::optional<RequestCheckResults> parse(const redisReply& reply, bool subject_sent) {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements < 1 || reply.elements > 3) {
    return std::nullopt;
  }
  RequestCheckResults results;
  auto address = gcra_decision(*reply.element[0]);
  if (!address.has_value()) return std::nullopt;
  results.address = *address;
  if (!address->allowed) {
    if (reply.elements != 1) return std::nullopt;
    return results;
  }
  if (reply.elements < 2 || reply.element[1]->type != REDIS_REPLY_INTEGER) return std::nullopt;
  const bool revoked = reply.element[1]->integer != 0;
  results.revoked = revoked;
  const bool subject_expected = !revoked && subject_sent;
  if (reply.elements != (subject_expected ? 3u : 2u)) return std::nullopt;
  if (subject_expected) {
    results.subject = gcra_decision(*reply.element[2]);
    if (!results.subject.has_value()) return std::nullopt;
  }
  return results;
}

// Reads {revoked} | {0, subject}, checked like parse().
std::optional<TokenCheckResults> parse_token_checks(const redisReply& reply, bool subject_sent) {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements < 1 || reply.elements > 2 ||
      reply.element[0]->type != REDIS_REPLY_INTEGER) {
    return std::nullopt;
  }
  TokenCheckResults results;
  const bool revoked = reply.element[0]->integer != 0;
  results.revoked = revoked;
  const bool subject_expected = !revoked && subject_sent;
  if (reply.elements != (subject_expected ? 2u : 1u)) return std::nullopt;
  if (subject_expected) {
    results.subject = gcra_decision(*reply.element[1]);
    if (!results.subject.has_value()) return std::nullopt;
  }
  return results;
}

}  // namespace

RequestChecks::RequestChecks(std::shared_ptr<RedisStore> store,
                             std::shared_ptr<RedisRevocationStore> revocations)
    : store_(std::move(store)),
      revocations_(std::move(revocations)),
      script_(std::string(lua::kGcraFunction) + lua::kRequestChecksMain),
      token_script_(std::string(lua::kGcraFunction) + lua::kTokenChecksMain) {}

RequestCheckResults RequestChecks::run(std::string_view address_key,
                                       const ratelimit::Policy& address_policy,
                                       std::string_view jti, std::string_view subject_key,
                                       const ratelimit::Policy& subject_policy,
                                       ratelimit::TimePoint now) {
  const std::string address = store_->redis_key(address_key);
  const std::string deny_list = revocations_->redis_key(jti);
  const std::string address_interval = emission_interval_us(address_policy);
  const std::string address_burst = burst_arg(address_policy);
  boost::system::result<Reply, Error> reply = Error{};
  if (subject_key.empty()) {
    reply = script_.run(store_->pool(), {address, deny_list}, {address_interval, address_burst});
  } else {
    const std::string subject = store_->redis_key(subject_key);
    reply = script_.run(store_->pool(), {address, deny_list, subject},
                        {address_interval, address_burst, emission_interval_us(subject_policy),
                         burst_arg(subject_policy)});
  }
  auto results = reply.has_value() ? parse(**reply, !subject_key.empty()) : std::nullopt;
  if (!results.has_value()) {
    return without_redis(address_key, address_policy, subject_key, subject_policy, now);
  }
  return std::move(*results);
}

TokenCheckResults RequestChecks::run_token_checks(std::string_view jti,
                                                  std::string_view subject_key,
                                                  const ratelimit::Policy& subject_policy,
                                                  ratelimit::TimePoint now) {
  const std::string deny_list = revocations_->redis_key(jti);
  boost::system::result<Reply, Error> reply = Error{};
  if (subject_key.empty()) {
    reply = token_script_.run(store_->pool(), {deny_list}, {});
  } else {
    const std::string subject = store_->redis_key(subject_key);
    reply = token_script_.run(store_->pool(), {deny_list, subject},
                              {emission_interval_us(subject_policy), burst_arg(subject_policy)});
  }
  auto results =
      reply.has_value() ? parse_token_checks(**reply, !subject_key.empty()) : std::nullopt;
  if (!results.has_value()) return token_checks_without_redis(subject_key, subject_policy, now);
  return std::move(*results);
}

TokenCheckResults RequestChecks::token_checks_without_redis(std::string_view subject_key,
                                                            const ratelimit::Policy& subject_policy,
                                                            ratelimit::TimePoint now) {
  revocations_->count_error();
  TokenCheckResults results;
  results.revoked = auth::RevocationError::unavailable;
  // As in without_redis: only fail-open accepts an unreadable deny-list and limits the subject.
  if (!subject_key.empty() && store_->pool().config().failure_mode == FailureMode::fail_open) {
    results.subject = store_->without_redis(subject_key, subject_policy, now);
  }
  return results;
}

RequestCheckResults RequestChecks::without_redis(std::string_view address_key,
                                                 const ratelimit::Policy& address_policy,
                                                 std::string_view subject_key,
                                                 const ratelimit::Policy& subject_policy,
                                                 ratelimit::TimePoint now) {
  RequestCheckResults results;
  results.address = store_->without_redis(address_key, address_policy, now);
  // Fail-closed stops here (its address decision is store_unavailable).
  if (!results.address.allowed) return results;
  TokenCheckResults token = token_checks_without_redis(subject_key, subject_policy, now);
  // Moved, not copied: optional's converting assignment from a non-const result<bool, E> lvalue
  // picks result's explicit converting constructor (bool from result = has_value()).
  results.revoked = std::move(token.revoked);
  results.subject = token.subject;
  return results;
}

}  // namespace smlapi::redis
