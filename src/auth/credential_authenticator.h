// Checks a user's password or a client's secret against a CredentialStore: the one
// credential check of the service (POST /token uses it on its hashing pool).
//
// No user enumeration: an unknown name costs one Argon2id verification against a dummy hash,
// exactly like a wrong password, and both answer invalid_credentials. Admission to hashing
// (the HashingGate's 503) is the caller's step, taken before the work is queued, so this
// class stays a pure check that can run on any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include "auth/credential_store.h"
#include "auth/password_hasher.h"

namespace smlapi::auth {

enum class AuthenticationError {
  invalid_credentials,  // unknown name or wrong password/secret: RFC 6749 invalid_grant/client
};

std::string_view to_string(AuthenticationError error) noexcept;
[[noreturn]] void throw_exception_from_error(AuthenticationError error,
                                             const boost::source_location& location);

struct AuthenticatedPrincipal {
  std::string name;  // user name or client id
  std::vector<std::string> scopes;
};

class CredentialAuthenticator {
 public:
  // The hasher must outlive the authenticator. Thread-safe.
  explicit CredentialAuthenticator(const PasswordHasher& hasher) : hasher_(hasher) {}

  boost::system::result<AuthenticatedPrincipal, AuthenticationError> authenticate_user(
      const CredentialStore& store, std::string_view name, std::string_view password) const;

  boost::system::result<AuthenticatedPrincipal, AuthenticationError> authenticate_client(
      const CredentialStore& store, std::string_view client_id, std::string_view secret) const;

 private:
  const PasswordHasher& hasher_;
};

}  // namespace smlapi::auth
