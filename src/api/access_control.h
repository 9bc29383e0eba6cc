// Bearer-token authentication and scope checks for protected routes, with
// RFC 6750 answers: 401 without an error code when no token was sent, 401
// error="invalid_token" for a bad one, 403 error="insufficient_scope".
#pragma once

#include "api/call.h"
#include "auth/key_set.h"
#include "auth/revocation_store.h"
#include "auth/token_verifier.h"

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
  // `revocation_fail_open`: when the deny-list cannot be read (Redis down in
  // fail-open mode), accept otherwise valid tokens instead of answering 503.
  AccessControl(std::shared_ptr<const auth::KeySet> keys, auth::VerifierConfig config,
                std::shared_ptr<auth::RevocationStore> revocations,
                bool revocation_fail_open = false);

  // Creates the worker's own verifier (it keeps reusable crypto contexts).
  void attach(WorkerState& worker) const;

  // Fills `principal` (reusing its strings' capacity) when the request may proceed.
  boost::system::result<void, AuthDenial> authenticate(const http::Request& request,
                                                       WorkerState& worker,
                                                       std::string_view required_scope,
                                                       std::int64_t now,
                                                       Principal& principal) const;

  const auth::KeySet& keys() const { return *keys_; }
  auth::RevocationStore& revocations() const { return *revocations_; }
  std::int64_t leeway_seconds() const { return config_.leeway_seconds; }

 private:
  std::shared_ptr<const auth::KeySet> keys_;
  auth::VerifierConfig config_;
  std::shared_ptr<auth::RevocationStore> revocations_;
  bool revocation_fail_open_;
};

inline constexpr std::string_view kRealm = "secure-ml-api";

void set_auth_denial(http::Response& response, const AuthDenial& denial);

// The token in "Authorization: Bearer <token>", or empty.
std::string_view bearer_token(std::string_view authorization);

}  // namespace smlapi::api
