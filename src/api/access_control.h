// Bearer-token authentication and scope checks for protected routes, with
// RFC 6750 answers: 401 without an error code when no token was sent, 401
// error="invalid_token" for a bad one, 403 error="insufficient_scope".
#pragma once

#include "api/call.h"
#include "api/credentials_source.h"
#include "api/federated_access.h"
#include "api/keys_source.h"
#include "auth/key_set.h"
#include "auth/revocation_store.h"
#include "auth/token_verifier.h"
#include "ratelimit/admission_store.h"

#include <boost/system/result.hpp>

#include <memory>
#include <string_view>

namespace smlapi::api {

struct AuthDenial {
  enum class Kind { missing_token, invalid_token, insufficient_scope, unavailable } kind;
  std::string_view reason;       // metrics label / audit field, e.g. "expired"
  std::string_view description;  // safe for error_description
  std::string_view scope;        // for insufficient_scope
};

class AccessControl {
 public:
  // `revocation_fail_open`: when the deny-list cannot be read (Redis down, and
  // --revocation-failure-mode is not closed), accept otherwise valid tokens instead of
  // answering 503. `revocations` is the deny-list /token/revoke writes; admission reads it
  // through its store.
  AccessControl(std::shared_ptr<KeysSource> keys, auth::VerifierConfig config,
                std::shared_ptr<auth::RevocationStore> revocations,
                bool revocation_fail_open = false);
  // A key set that never changes.
  AccessControl(std::shared_ptr<const auth::KeySet> keys, auth::VerifierConfig config,
                std::shared_ptr<auth::RevocationStore> revocations,
                bool revocation_fail_open = false);

  // Checks local tokens' authority (auth/token_authority.h) against the users file as
  // `identities` holds it: set by the wiring before attach() when there is a users file.
  // Without one, nothing is checked (no store to compare with).
  void check_authority_against(std::shared_ptr<const CredentialsSource> identities);
  // Accept tokens of trusted external issuers beside the local ones (federated_access.h). Call
  // before the first attach().
  void enable_federation(std::shared_ptr<const FederatedAccess> federation) {
    federation_ = std::move(federation);
  }

  // Creates the worker's own verifier (it keeps reusable crypto contexts); verify() and
  // cached() replace it when the keys source publishes a new generation.
  void attach(WorkerState& worker) const;

  // The bearer token's claims, verified now (and cached) or found in the worker's cache. The
  // deny-list and the scope come after (judge()), once the admission step read the deny-list.
  boost::system::result<const auth::VerifiedToken*, AuthDenial> verify(const http::Request& request,
                                                                       WorkerState& worker,
                                                                       std::int64_t now) const;

  // The claims of `token` if this worker verified it before and it has not expired at `now`:
  // no crypto. Lets admission read the token's revocation together with the address limit.
  const auth::VerifiedToken* cached(std::string_view token, WorkerState& worker,
                                    std::int64_t now) const;

  // What is decided after verification, given the deny-list's answer: revoked (or unreadable
  // in fail-closed mode) first, then the route's scope.
  boost::system::result<void, AuthDenial> judge(const Principal& caller, ratelimit::Listing listing,
                                                std::string_view required_scope) const;

  std::shared_ptr<const auth::KeySet> keys() const { return keys_->current()->keys; }
  auth::RevocationStore& revocations() const { return *revocations_; }
  std::int64_t leeway_seconds() const { return config_.leeway_seconds; }

 private:
  void use_keys(WorkerState& worker, const KeyGeneration& generation) const;
  void follow_key_rotation(WorkerState& worker) const;
  void follow_identities(WorkerState& worker) const;
  // Narrows `token` to its principal's current authority; false when it has none left.
  bool apply_authority(const WorkerState& worker, auth::VerifiedToken& token) const;

  std::shared_ptr<KeysSource> keys_;
  auth::VerifierConfig config_;
  std::shared_ptr<auth::RevocationStore> revocations_;
  bool revocation_fail_open_;
  std::shared_ptr<const CredentialsSource> identities_;  // null: authority not checked
  std::shared_ptr<const FederatedAccess> federation_;    // null: local tokens only
};

inline constexpr std::string_view kRealm = "secure-ml-api";

void set_auth_denial(http::Response& response, const AuthDenial& denial);

// The token in "Authorization: Bearer <token>", or empty.
std::string_view bearer_token(std::string_view authorization);

}  // namespace smlapi::api
