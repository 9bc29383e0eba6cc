#include "api/access_control.h"

#include "api/errors.h"
#include "api/worker_state.h"
#include "auth/token_authority.h"

namespace smlapi::api {

AccessControl::AccessControl(std::shared_ptr<KeysSource> keys, auth::VerifierConfig config,
                             std::shared_ptr<auth::RevocationStore> revocations,
                             bool revocation_fail_open)
    : keys_(std::move(keys)),
      config_(std::move(config)),
      revocations_(std::move(revocations)),
      revocation_fail_open_(revocation_fail_open) {}

AccessControl::AccessControl(std::shared_ptr<const auth::KeySet> keys, auth::VerifierConfig config,
                             std::shared_ptr<auth::RevocationStore> revocations,
                             bool revocation_fail_open)
    : AccessControl(std::make_shared<KeysSource>(std::move(keys), nullptr), std::move(config),
                    std::move(revocations), revocation_fail_open) {}

void AccessControl::check_authority_against(std::shared_ptr<const CredentialsSource> identities) {
  identities_ = std::move(identities);
}

void AccessControl::attach(WorkerState& worker) const {
  use_keys(worker, *keys_->current());
  follow_identities(worker);
  if (federation_) federation_->attach(worker);
}

// The verifier's configuration was accepted by attach(), so only a bug could make this throw.
void AccessControl::use_keys(WorkerState& worker, const KeyGeneration& generation) const {
  auto verifier = auth::TokenVerifier::create(generation.keys, config_);
  if (!verifier) throw std::invalid_argument(verifier.error().message);
  worker.verifier.emplace(std::move(*verifier));
  worker.key_generation = generation.number;
  // Tokens verified with the previous keys are verified again: a token of a key that left the
  // set must stop working now, not when it leaves the cache.
  worker.token_cache.clear();
}

void AccessControl::follow_key_rotation(WorkerState& worker) const {
  if (worker.key_generation != keys_->generation()) use_keys(worker, *keys_->current());
  if (federation_) federation_->follow_keys(worker);
}

// One atomic load per request while the users file stays the same. When it changed, the cached
// tokens are checked once against the new store, so a cache hit is as current as a new token.
void AccessControl::follow_identities(WorkerState& worker) const {
  if (!identities_) return;
  const std::uint64_t generation = identities_->generation();
  if (worker.identity_generation == generation) return;
  worker.identities = identities_->current();  // this generation's store or a newer one
  worker.identity_generation = generation;
  worker.token_cache.reapply(
      [&](auth::VerifiedToken& token) { return apply_authority(worker, token); });
}

bool AccessControl::apply_authority(const WorkerState& worker, auth::VerifiedToken& token) const {
  if (!worker.identities) return true;  // no users file: nothing to check against
  return !auth::withdrawn(auth::apply_authority(*worker.identities, token));
}

std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  // The scheme is case-insensitive (RFC 9110 section 11.1). ASCII folding by hand: this runs on
  // every authenticated request, and beast::iequals cost several times as many instructions.
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kScheme[i]) return {};
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  return token;
}

boost::system::result<const auth::VerifiedToken*, AuthDenial> AccessControl::verify(
    const http::Request& request, WorkerState& worker, std::int64_t now) const {
  follow_key_rotation(worker);
  follow_identities(worker);
  std::string_view token = bearer_token(request.authorization);
  if (token.empty()) {
    return AuthDenial{AuthDenial::Kind::missing_token, "missing_token", "", ""};
  }
  const auth::VerifiedToken* verified = worker.token_cache.find(token, now, config_.leeway_seconds);
  if (verified == nullptr) {
    // Without federation the local verifier alone, exactly as before: no iss is read first.
    auto checked =
        federation_ ? federation_->verify(token, worker, now) : worker.verifier->verify(token, now);
    if (!checked) {
      return AuthDenial{AuthDenial::Kind::invalid_token, auth::to_string(checked.error()),
                        auth::describe(checked.error()), ""};
    }
    auth::VerifiedToken effective = checked.value();
    if (!apply_authority(worker, effective)) {
      // A removed principal, or an earlier principal of the same name.
      return AuthDenial{AuthDenial::Kind::invalid_token, "authority_withdrawn",
                        "the token's authority was withdrawn", ""};
    }
    worker.token_cache.insert(token, checked.value(), effective);
    verified = worker.token_cache.find(token, now, config_.leeway_seconds);
    if (verified == nullptr) {  // valid now but already past exp + leeway: cannot happen
      return AuthDenial{AuthDenial::Kind::invalid_token, "expired", "token expired", ""};
    }
  }
  return verified;
}

const auth::VerifiedToken* AccessControl::cached(std::string_view token, WorkerState& worker,
                                                 std::int64_t now) const {
  follow_key_rotation(worker);
  follow_identities(worker);
  return worker.token_cache.find(token, now, config_.leeway_seconds);
}

boost::system::result<void, AuthDenial> AccessControl::judge(
    const Principal& caller, ratelimit::Listing listing, std::string_view required_scope) const {
  if (listing == ratelimit::Listing::unknown && !revocation_fail_open_) {
    // Fail closed: without the deny-list we cannot tell a revoked token apart.
    return AuthDenial{AuthDenial::Kind::unavailable, "revocation_unavailable",
                      "token revocation list unavailable", ""};
  }
  if (listing == ratelimit::Listing::listed) {
    return AuthDenial{AuthDenial::Kind::invalid_token, "revoked", "token has been revoked", ""};
  }
  if (!required_scope.empty() && !caller.has_scope(required_scope)) {
    return AuthDenial{AuthDenial::Kind::insufficient_scope, "insufficient_scope",
                      "token lacks the required scope", required_scope};
  }
  return {};
}

void set_auth_denial(http::Response& response, const AuthDenial& denial) {
  std::string challenge = "Bearer realm=\"";
  challenge.append(kRealm).append("\"");
  switch (denial.kind) {
    case AuthDenial::Kind::missing_token:
      set_error(response, ApiError::unauthorized, "Not authenticated");
      break;
    case AuthDenial::Kind::invalid_token:
      set_error(response, ApiError::unauthorized, "Invalid or expired token");
      challenge.append(", error=\"invalid_token\", error_description=\"")
          .append(denial.description)
          .append("\"");
      break;
    case AuthDenial::Kind::insufficient_scope:
      set_error(response, ApiError::forbidden, "Insufficient scope");
      challenge.append(", error=\"insufficient_scope\", scope=\"")
          .append(denial.scope)
          .append("\"");
      break;
    case AuthDenial::Kind::unavailable:
      set_error(response, ApiError::unavailable, "Authentication temporarily unavailable");
      response.add_header("Retry-After", "1");
      return;
  }
  response.add_header("WWW-Authenticate", std::move(challenge));
}

}  // namespace smlapi::api
