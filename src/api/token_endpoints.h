// The OAuth 2.0 endpoints: POST /token (password and client_credentials
// grants, RFC 6749), POST /token/revoke (RFC 7009) and the public keys at
// GET /.well-known/jwks.json. Argon2id runs on a small pool of its own, never
// on an event-loop thread, behind a gate that answers 503 when it is full.
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

#include <memory>

namespace smlapi::api {

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
