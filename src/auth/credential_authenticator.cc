#include "auth/credential_authenticator.h"

#include <stdexcept>
#include <string>

#include <boost/throw_exception.hpp>

#include "auth/keyed_secret_hash.h"

namespace smlapi::auth {
namespace {

// One Argon2id verification per set of `plan`, in its order: `stored` (null for an unknown
// name) with the set it was made with, a dummy with every other set. With an empty plan (no
// Argon2id hash of this kind at all), one dummy with the hasher's own parameters.
bool verify_padded(const PasswordHasher& hasher, const std::vector<Argon2Params>& plan,
                   const std::string* stored, std::string_view secret) {
  if (plan.empty()) {
    hasher.verify_dummy(secret);
    return false;
  }
  const auto phc = stored != nullptr ? parse_argon2id_phc(*stored) : std::nullopt;
  bool matched = false;
  bool checked = false;
  for (const Argon2Params& params : plan) {
    if (phc && !checked && params == phc->params) {
      matched = hasher.verify(*stored, secret);
      checked = true;
    } else {
      hasher.verify_dummy(params, secret);
    }
  }
  return matched;
}

bool keyed_check(const ClientRecord* client, std::string_view secret) {
  return is_generated_secret(secret) && (client == nullptr || client->has_keyed_hash());
}

}  // namespace

std::string_view to_string(AuthenticationError error) noexcept {
  switch (error) {
    case AuthenticationError::invalid_credentials:
      return "invalid_credentials";
  }
  return "unknown";
}

void throw_exception_from_error(AuthenticationError error, const boost::source_location& location) {
  boost::throw_with_location(std::runtime_error(std::string(to_string(error))), location);
}

boost::system::result<AuthenticatedPrincipal, AuthenticationError>
CredentialAuthenticator::authenticate_user(const CredentialStore& store, std::string_view name,
                                           std::string_view password) const {
  const UserRecord* user = store.find_user(name);
  const bool matched = verify_padded(hasher_, store.user_hash_params(),
                                     user != nullptr ? &user->password_hash : nullptr, password);
  if (!matched || user == nullptr) return AuthenticationError::invalid_credentials;
  return AuthenticatedPrincipal{std::string(name), user->scopes};
}

boost::system::result<AuthenticatedPrincipal, AuthenticationError>
CredentialAuthenticator::authenticate_client(const CredentialStore& store,
                                             std::string_view client_id,
                                             std::string_view secret) const {
  const ClientRecord* client = store.find_client(client_id);
  if (keyed_check(client, secret)) {
    if (client == nullptr) {
      verify_keyed_secret_dummy(secret);
      return AuthenticationError::invalid_credentials;
    }
    if (!verify_keyed_secret(client->secret_hash, secret)) {
      return AuthenticationError::invalid_credentials;
    }
    return AuthenticatedPrincipal{std::string(client_id), client->scopes};
  }
  // Argon2id: the real hash of a client that has one; dummies for an unknown id and for a
  // keyed-hash client sent a secret that is not of the generated form (it cannot match).
  const bool argon2 = client != nullptr && !client->has_keyed_hash();
  const bool matched = verify_padded(hasher_, store.client_hash_params(),
                                     argon2 ? &client->secret_hash : nullptr, secret);
  if (!matched || !argon2) return AuthenticationError::invalid_credentials;
  return AuthenticatedPrincipal{std::string(client_id), client->scopes};
}

bool CredentialAuthenticator::uses_keyed_check(const CredentialStore& store,
                                               std::string_view client_id,
                                               std::string_view secret) {
  return keyed_check(store.find_client(client_id), secret);
}

}  // namespace smlapi::auth
