#include "api/local_admission_store.h"

namespace smlapi::api {

using ratelimit::Listing;

LocalAdmissionStore::LocalAdmissionStore(std::shared_ptr<ratelimit::Store> limits,
                                         std::shared_ptr<auth::RevocationStore> revocations,
                                         bool unknown_listing_accepted)
    : limits_(std::move(limits)),
      revocations_(std::move(revocations)),
      unknown_listing_accepted_(unknown_listing_accepted) {}

ratelimit::AdmissionResults LocalAdmissionStore::run(const ratelimit::AdmissionQuery& query) {
  ratelimit::AdmissionResults results;
  if (query.address.has_value()) {
    results.address = limits_->check(query.address->key, *query.address->policy, query.now);
    if (!results.address->allowed) return results;
  }
  if (query.jti.has_value()) {
    auto revoked = revocations_->is_revoked(*query.jti, query.unix_now);
    results.listing = !revoked ? Listing::unknown : *revoked ? Listing::listed : Listing::absent;
    if (!ratelimit::subject_limit_runs(*results.listing, unknown_listing_accepted_)) {
      return results;
    }
  }
  if (query.subject.has_value()) {
    results.subject = limits_->check(query.subject->key, *query.subject->policy, query.now);
  }
  return results;
}

}  // namespace smlapi::api
