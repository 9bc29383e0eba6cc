// ratelimit::AdmissionStore over Redis: whatever an admission stage asks for — the per-address
// limit, the deny-list read, the per-subject limit — in one round trip. A query with the
// deny-list read is the admission-steps script (AdmissionBatch, a batch of one: the event-loop
// store sends the same script with more requests); limits alone are RedisStore's GCRA script,
// one check each. Keys, values and TTLs are those of RedisStore::check and
// RedisRevocationStore::is_revoked, and so is the order (a refused step touches nothing after
// it).
//
// When Redis fails, the results are those of the separate steps with Redis down: the address
// decision of RedisStore's failure mode; if that allows, the deny-list answer of
// RedisRevocationStore::outage_listing (its mirror's); and, when that is absent or an accepted
// unknown, the subject's fallback decision.
#pragma once

#include <memory>
#include <optional>

#include "ratelimit/admission_store.h"
#include "redis/admission_batch.h"
#include "redis/redis_revocation_store.h"
#include "redis/redis_store.h"

namespace smlapi::redis {

class RedisAdmissionStore final : public ratelimit::AdmissionStore {
 public:
  // Both stores must talk to the same Redis (they are built from one Config); the scripts run
  // on `store`'s connections.
  RedisAdmissionStore(std::shared_ptr<RedisStore> store,
                      std::shared_ptr<RedisRevocationStore> revocations);

  ratelimit::AdmissionResults run(const ratelimit::AdmissionQuery& query) override;
  bool shared() const noexcept override { return true; }

  // The results of a step Redis could not answer, as the separate steps give them.
  ratelimit::AdmissionResults without_redis(const ratelimit::AdmissionQuery& query);

  const RedisStore& limits() const noexcept { return *store_; }
  const RedisRevocationStore& deny_list() const noexcept { return *revocations_; }
  const AdmissionScripts& scripts() const noexcept { return scripts_; }

 private:
  ratelimit::AdmissionResults limits_only(const ratelimit::AdmissionQuery& query);
  ratelimit::AdmissionResults with_deny_list(const ratelimit::AdmissionQuery& query);
  bool unknown_listing_accepted() const;

  std::shared_ptr<RedisStore> store_;
  std::shared_ptr<RedisRevocationStore> revocations_;
  AdmissionScripts scripts_;
};

}  // namespace smlapi::redis
