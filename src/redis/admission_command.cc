#include "redis/admission_command.h"

#include <hiredis/hiredis.h>

#include "redis/gcra_reply.h"
#include "redis/lua_scripts.h"
#include "redis/redis_revocation_store.h"
#include "redis/redis_store.h"

namespace smlapi::redis {
namespace {

using ratelimit::AdmissionResults;
using ratelimit::Listing;

// A reply of kRequestChecksMain ({address} | {address, listed} | {address, 0, subject}) or,
// without an address, of kTokenChecksMain ({listed} | {0, subject}).
std::optional<AdmissionResults> read_checks(const redisReply& reply, bool address_sent,
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

AdmissionScripts::AdmissionScripts()
    : gcra(std::string(lua::kGcraFunction) + lua::kGcraMain),
      request(std::string(lua::kGcraFunction) + lua::kRequestChecksMain),
      token(std::string(lua::kGcraFunction) + lua::kTokenChecksMain) {}

bool AdmissionCommand::single_command(const ratelimit::AdmissionQuery& query) noexcept {
  return query.jti.has_value() || !(query.address.has_value() && query.subject.has_value());
}

AdmissionCommand::AdmissionCommand(const ratelimit::AdmissionQuery& query, const RedisStore& limits,
                                   const RedisRevocationStore& deny_list,
                                   const AdmissionScripts& scripts) {
  if (query.address.has_value()) add_limit(*query.address, limits);
  if (query.jti.has_value()) add_key(deny_list.redis_key(*query.jti));
  if (query.subject.has_value()) add_limit(*query.subject, limits);
  script_ = !query.jti.has_value()      ? &scripts.gcra
            : query.address.has_value() ? &scripts.request
                                        : &scripts.token;
  key_count_text_ = std::to_string(key_count_);
  evalsha_[evalsha_count_++] = "EVALSHA";
  evalsha_[evalsha_count_++] = script_->sha1();
  evalsha_[evalsha_count_++] = key_count_text_;
  for (const std::string_view key : keys()) evalsha_[evalsha_count_++] = key;
  for (const std::string_view arg : args()) evalsha_[evalsha_count_++] = arg;
}

void AdmissionCommand::add_key(std::string key) {
  key_text_[key_count_] = std::move(key);
  keys_[key_count_] = key_text_[key_count_];
  ++key_count_;
}

void AdmissionCommand::add_limit(const ratelimit::LimitQuery& limit, const RedisStore& limits) {
  add_key(limits.redis_key(limit.key));
  for (std::string arg : {emission_interval_us(*limit.policy), burst_arg(*limit.policy)}) {
    arg_text_[arg_count_] = std::move(arg);
    args_[arg_count_] = arg_text_[arg_count_];
    ++arg_count_;
  }
}

std::optional<AdmissionResults> AdmissionCommand::read(const redisReply& reply,
                                                       const ratelimit::AdmissionQuery& query) {
  if (query.jti.has_value()) {
    return read_checks(reply, query.address.has_value(), query.subject.has_value());
  }
  auto decision = gcra_decision(reply);
  if (!decision.has_value()) return std::nullopt;
  AdmissionResults results;
  (query.address.has_value() ? results.address : results.subject) = decision;
  return results;
}

}  // namespace smlapi::redis
