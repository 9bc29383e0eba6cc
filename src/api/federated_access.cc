#include "api/federated_access.h"

#include <stdexcept>

namespace smlapi::api {

boost::system::result<std::shared_ptr<FederatedAccess>, auth::Error> FederatedAccess::create(
    std::vector<auth::federation::TrustedIssuer> issuers,
    std::shared_ptr<federation::FederationKeys> keys, std::string local_issuer,
    std::int64_t leeway_seconds, std::size_t max_token_bytes) {
  for (const auto& issuer : issuers) {
    if (issuer.issuer == local_issuer) {
      return auth::Error{"trusted issuer '" + issuer.name + "' has the local issuer's iss"};
    }
  }
  auto check =
      auth::federation::FederatedVerifier::create(issuers, leeway_seconds, max_token_bytes);
  if (!check) return check.error();
  if (!keys) return auth::Error{"federation: no key store"};
  return std::shared_ptr<FederatedAccess>(new FederatedAccess(std::move(issuers), std::move(keys),
                                                              std::move(local_issuer),
                                                              leeway_seconds, max_token_bytes));
}

FederatedAccess::FederatedAccess(std::vector<auth::federation::TrustedIssuer> issuers,
                                 std::shared_ptr<federation::FederationKeys> keys,
                                 std::string local_issuer, std::int64_t leeway_seconds,
                                 std::size_t max_token_bytes)
    : issuers_(std::move(issuers)),
      keys_(std::move(keys)),
      local_issuer_(std::move(local_issuer)),
      leeway_seconds_(leeway_seconds),
      max_token_bytes_(max_token_bytes) {}

// The configuration was accepted by create(), so only a bug could make this throw.
void FederatedAccess::attach(WorkerState& worker) const {
  auto verifier =
      auth::federation::FederatedVerifier::create(issuers_, leeway_seconds_, max_token_bytes_);
  if (!verifier) throw std::invalid_argument(verifier.error().message);
  worker.federated_verifier.emplace(std::move(*verifier));
  worker.federation_keys = keys_->current();
}

void FederatedAccess::follow_keys(WorkerState& worker) const {
  if (worker.federation_keys->number == keys_->generation()) return;
  worker.federation_keys = keys_->current();
  worker.token_cache.clear();
}

boost::system::result<auth::VerifiedToken, auth::TokenError> FederatedAccess::verify(
    std::string_view token, WorkerState& worker, std::int64_t now) const {
  auto& verifier = *worker.federated_verifier;
  const auto claimed = verifier.claimed_issuer(token);
  if (!claimed || *claimed == local_issuer_) return worker.verifier->verify(token, now);
  const auto index = verifier.find_issuer(*claimed);
  if (!index) return auth::TokenError::wrong_issuer;
  const auth::KeySet* keys = worker.federation_keys->keys[*index].get();
  if (keys == nullptr) {
    keys_->request_refresh(*index);
    return auth::TokenError::unknown_kid;  // no keys yet: logged by the fetcher
  }
  auto verified = verifier.verify(token, *index, *keys, now);
  if (!verified && verified.error() == auth::TokenError::unknown_kid) {
    keys_->request_refresh(*index);
  }
  return verified;
}

}  // namespace smlapi::api
