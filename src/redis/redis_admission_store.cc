#include "redis/redis_admission_store.h"

#include <hiredis/hiredis.h>

#include "redis/admission_batch.h"

namespace smlapi::redis {
namespace {

using ratelimit::AdmissionQuery;
using ratelimit::AdmissionResults;
using ratelimit::Listing;

}  // namespace

RedisAdmissionStore::RedisAdmissionStore(std::shared_ptr<RedisStore> store,
                                         std::shared_ptr<RedisRevocationStore> revocations)
    : store_(std::move(store)), revocations_(std::move(revocations)) {}

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
  AdmissionBatch batch(*store_, *revocations_, scripts_.steps);
  batch.add(query);
  auto reply = scripts_.steps.run(store_->pool(), batch.keys(), batch.args());
  auto results = reply.has_value() ? AdmissionBatch::read(**reply, 1, 0, query) : std::nullopt;
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
  if (!query.jti.has_value()) {  // a limit alone
    if (query.subject.has_value()) {
      results.subject =
          store_->without_redis(query.subject->key, *query.subject->policy, query.now);
    }
    return results;
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
