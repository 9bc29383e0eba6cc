// The federated half of bearer-token verification: tokens whose iss is a trusted external issuer
// are checked by the worker's FederatedVerifier with that issuer's current keys; tokens of the
// local issuer (and tokens whose iss cannot be read, which the local verifier then refuses
// with the precise reason) go to the local TokenVerifier unchanged; any other iss is
// wrong_issuer. A token naming a kid its issuer's keys lack gets 401 at once and asks the
// fetcher for a refresh (rate-limited there): workers never wait for the network, so the next
// request after the provider's rotation has been fetched succeeds. Until an issuer's first
// JWKS has arrived its tokens get 401 (unknown_kid); the service is ready anyway, so a provider
// outage at start-up never takes the local issuer down with it.
#pragma once

#include "api/worker_state.h"
#include "auth/federation/trusted_issuer.h"
#include "auth/token_error.h"
#include "auth/token_verifier.h"
#include "federation/federation_keys.h"

#include <boost/system/result.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace smlapi::api {

class FederatedAccess {
 public:
  // Fails as FederatedVerifier::create does.
  static boost::system::result<std::shared_ptr<FederatedAccess>, auth::Error> create(
      std::vector<auth::federation::TrustedIssuer> issuers,
      std::shared_ptr<federation::FederationKeys> keys, std::string local_issuer,
      std::int64_t leeway_seconds, std::size_t max_token_bytes);

  // Creates the worker's federated verifier.
  void attach(WorkerState& worker) const;

  // Takes the newest external keys when the fetcher published some; the worker's verified
  // tokens are then forgotten (a key that left a JWKS must stop verifying now).
  void follow_keys(WorkerState& worker) const;

  // Verifies `token` with the verifier its iss selects (see above).
  boost::system::result<auth::VerifiedToken, auth::TokenError> verify(std::string_view token,
                                                                      WorkerState& worker,
                                                                      std::int64_t now) const;

 private:
  FederatedAccess(std::vector<auth::federation::TrustedIssuer> issuers,
                  std::shared_ptr<federation::FederationKeys> keys, std::string local_issuer,
                  std::int64_t leeway_seconds, std::size_t max_token_bytes);

  std::vector<auth::federation::TrustedIssuer> issuers_;
  std::shared_ptr<federation::FederationKeys> keys_;
  std::string local_issuer_;
  std::int64_t leeway_seconds_;
  std::size_t max_token_bytes_;
};

}  // namespace smlapi::api
