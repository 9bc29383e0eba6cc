// The admission store of a single replica: the limits in a ratelimit::Store (in-process) and
// the deny-list in an auth::RevocationStore (in-process), one call each, in the order and with
// the effects ratelimit::AdmissionStore prescribes. Nothing here waits on I/O, so nothing is
// gained by combining the calls; the Redis-backed store (redis::RedisAdmissionStore) does.
#pragma once

#include "auth/revocation_store.h"
#include "ratelimit/admission_store.h"
#include "ratelimit/store.h"

#include <memory>

namespace smlapi::api {

class LocalAdmissionStore final : public ratelimit::AdmissionStore {
 public:
  // `unknown_listing_accepted`: the subject limit still runs when the deny-list cannot be read
  // (the fail-open rule; an in-process deny-list is always readable).
  LocalAdmissionStore(std::shared_ptr<ratelimit::Store> limits,
                      std::shared_ptr<auth::RevocationStore> revocations,
                      bool unknown_listing_accepted = false);

  ratelimit::AdmissionResults run(const ratelimit::AdmissionQuery& query) override;
  bool shared() const noexcept override { return false; }

 private:
  std::shared_ptr<ratelimit::Store> limits_;
  std::shared_ptr<auth::RevocationStore> revocations_;
  bool unknown_listing_accepted_;
};

}  // namespace smlapi::api
