// The OAuth 2.0 endpoints: POST /token (password and client_credentials
// grants, RFC 6749), POST /token/revoke (RFC 7009) and the public keys at
// GET /.well-known/jwks.json. Argon2id runs on a small pool of its own, never
// on an event-loop thread, behind a gate that answers 503 when it is full. A
// client secret the service generated is checked with a keyed hash in
// microseconds, inline, without that gate (auth/keyed_secret_hash.h).
#pragma once

#include "api/access_control.h"
#include "api/call.h"
#include "api/clock.h"
#include "api/credentials_source.h"
#include "api/keys_source.h"
#include "api/log.h"
#include "api/login_guard.h"
#include "auth/credential_authenticator.h"
#include "auth/hashing_gate.h"
#include "auth/password_hasher.h"
#include "auth/token_issuer.h"

#include <boost/asio/thread_pool.hpp>

#include <functional>
#include <memory>

namespace smlapi::api {

class WorkerMetrics;

struct TokenEndpointParts {
  std::shared_ptr<CredentialsSource> credentials;
  std::shared_ptr<const auth::PasswordHasher> hasher;
  // /token issues with its current generation's issuer; null (or a verify-only generation):
  // issuance is disabled on this replica.
  std::shared_ptr<const KeysSource> keys;
  std::shared_ptr<AccessControl> access;
  std::shared_ptr<LoginGuard> login_guard;  // may be null
  std::size_t max_concurrent_hashes = 2;
  std::shared_ptr<const Clock> clock = std::make_shared<SystemClock>();
};

class TokenEndpoints {
 public:
  TokenEndpoints(TokenEndpointParts parts, LogSink& audit);
  ~TokenEndpoints();

  void answer(Call& call);

 private:
  struct Grant;
  void token(Call& call);
  void revoke(Call& call);
  void jwks(Call& call) const;
  void run_grant(Grant grant);
  // Counts a metric: on the worker's metrics inline, through the DeferredAnswer off the workers.
  using Counter = std::function<void(const std::function<void(WorkerMetrics&)>&)>;
  using PrincipalResult =
      boost::system::result<auth::AuthenticatedPrincipal, auth::AuthenticationError>;
  // The answer to an authenticated (or refused) grant: the token, or the OAuth error; login
  // guard, metrics and audit.
  void finish_grant(const Grant& grant, const PrincipalResult& principal, std::string_view client,
                    std::string_view request_id, const Counter& count, http::Response& response);
  void audit(std::string_view event, std::string_view outcome, std::string_view reason,
             std::string_view subject, std::string_view client, std::string_view request_id);

  TokenEndpointParts parts_;
  LogSink& audit_;
  auth::CredentialAuthenticator authenticator_;  // over *parts_.hasher
  auth::HashingGate gate_;
  boost::asio::thread_pool pool_;
};

// RFC 6749 section 5.2 error answer.
void set_oauth_error(http::Response& response, unsigned status, std::string_view error,
                     std::string_view description);

}  // namespace smlapi::api
