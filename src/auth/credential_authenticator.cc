#include "auth/credential_authenticator.h"

#include <stdexcept>
#include <string>

#include <boost/throw_exception.hpp>

namespace smlapi::auth {
namespace {

template <typename Record>
boost::system::result<AuthenticatedPrincipal, AuthenticationError> check(
    const PasswordHasher& hasher, const Record* record, std::string_view stored_hash,
    std::string_view name, std::string_view secret) {
  if (record == nullptr) {
    hasher.verify_dummy(secret);
    return AuthenticationError::invalid_credentials;
  }
  if (!hasher.verify(stored_hash, secret)) return AuthenticationError::invalid_credentials;
  return AuthenticatedPrincipal{std::string(name), record->scopes};
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
  return check(hasher_, user, user != nullptr ? user->password_hash : std::string_view(), name,
               password);
}

boost::system::result<AuthenticatedPrincipal, AuthenticationError>
CredentialAuthenticator::authenticate_client(const CredentialStore& store,
                                             std::string_view client_id,
                                             std::string_view secret) const {
  const ClientRecord* client = store.find_client(client_id);
  return check(hasher_, client, client != nullptr ? client->secret_hash : std::string_view(),
               client_id, secret);
}

}  // namespace smlapi::auth
