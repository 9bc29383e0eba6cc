// Checks a user's password or a client's secret against a CredentialStore: the one
// credential check of the service (POST /token uses it on its hashing pool).
//
// No user enumeration, and no telling hash parameters apart: a password check runs one Argon2id
// verification per distinct parameter set of the store's user hashes (usually one), in a fixed
// order: the real hash where its set comes, a dummy with each other set, and dummies only for
// an unknown name. So the work done (which parameter sets get hashed, in which order) is the
// same for an unknown user, a user with the default parameters and one whose hash is older or
// stronger; only the password compared differs. The price: after a parameter change each login
// costs the sum of the sets still in use until old hashes are replaced (`users passwd`).
// Padding to the most expensive set would leave the order of work observable through memory
// pressure and cost as much in the common case of one set, and rehashing on login would make
// the server write the operator's file. Clients' Argon2id hashes get the same over their own
// sets.
//
// Client secrets the service generated are checked with a keyed hash (keyed_secret_hash.h) in
// microseconds; which check runs depends only on the presented secret's form and the stored
// hash's kind (uses_keyed_check), so an unknown client id with a generated-form secret costs a
// dummy keyed check and answers like a wrong secret.
//
// Admission to hashing (the HashingGate's 503) is the caller's step, taken before Argon2id work
// is queued, so this class stays a pure check that can run on any thread.
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

  // True when authenticate_client() would do no Argon2id work for these arguments: a secret of
  // the generated form for a client with a keyed hash or an unknown id. Such a check may run
  // inline, without a hashing slot.
  static bool uses_keyed_check(const CredentialStore& store, std::string_view client_id,
                               std::string_view secret);

 private:
  const PasswordHasher& hasher_;
};

}  // namespace smlapi::auth
