// Users (password grant) and OAuth clients (client_credentials grant) with their scopes, kept in
// one JSON file that operators manage with `secure-ml-api users|clients ...`:
//
//   {
//     "version": 1,
//     "users": [
//       {"name": "alice", "password_hash": "$argon2id$v=19$m=19456,t=2,p=1$...$...",
//        "scopes": ["predict"]}
//     ],
//     "clients": [
//       {"client_id": "batch-job", "secret_hash": "$hmac-sha256$...", "scopes": ["predict"],
//        "plan": "gold", "created_at": 1764763200},
//       {"client_id": "legacy-job", "secret_hash": "$argon2id$...", "scopes": ["predict"]}
//     ],
//     "public_clients": ["web-app"],
//     "plans": {"gold": {"requests_per_minute": 6000, "burst": 200}}
//   }
//
// "plan" and "created_at" are optional on every entry, "plans" at the top (PrincipalTerms,
// Plan): an entry naming an unknown plan, and plan numbers out of range, fail the load naming
// the entry.
//
// Only hashes are stored, never passwords or secrets: Argon2id for passwords and for client
// secrets an operator chose, a keyed HMAC-SHA256 (keyed_secret_hash.h) for client secrets the
// service generated (256 bits). Public clients (RFC 6749 section 2.1: an app that cannot keep
// a secret) have no secret and no scopes: they are the only client ids the password grant
// accepts, and they cannot use client_credentials. "public_clients" is written only when there
// are some. Names and client ids: 1-64 of [A-Za-z0-9._@-], unique; a client id is either
// confidential or public. Scopes: from the allowed set (default {"predict", "admin"}). Unknown
// or duplicate members, bad hashes and unknown scopes are errors that name the entry, so a typo
// fails the load instead of silently locking someone out or in. The file is written atomically
// with mode 0600.
//
// The store is a value: load it, change it, save it; for serving, load a new one on change and
// swap a std::shared_ptr<const CredentialStore>.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "auth/argon2_phc.h"
#include "auth/error.h"
#include "auth/password_hasher.h"
#include "auth/scopes.h"

namespace smlapi::auth {

inline constexpr std::size_t kMinPasswordBytes = 8;
inline constexpr std::size_t kMinClientSecretBytes = 16;
inline constexpr std::size_t kMaxCredentialFileBytes = 16 << 20;

// A per-principal rate-limit plan (quota): the subject limit of every limited route for the
// users and clients that name it, instead of the server's --rate-limit-* policies.
struct Plan {
  std::uint32_t requests_per_minute = 0;
  std::uint32_t burst = 0;
};
inline constexpr std::size_t kMaxPlanNameLength = 32;
inline constexpr std::uint32_t kMaxPlanRequestsPerMinute = 1'000'000;
inline constexpr std::uint32_t kMaxPlanBurst = 100'000;
// The plan name `users set-plan NAME none` uses to go back to the server's defaults.
inline constexpr std::string_view kNoPlan = "none";

// Plan names: 1-32 of [A-Za-z0-9_.-], starting with a letter, never "none".
bool is_valid_plan_name(std::string_view name) noexcept;

// What the server checks a principal's tokens and requests against besides its scopes, kept
// apart from the secrets: its plan, and when it was created — a token issued before (iat <
// created_at) belongs to an earlier principal of the same name and has no authority.
struct PrincipalTerms {
  std::string plan;             // empty: the server's defaults
  std::int64_t created_at = 0;  // Unix seconds; 0: unknown (a file written before this field)
};

struct UserRecord {
  std::string name;
  std::string password_hash;
  std::vector<std::string> scopes;
  PrincipalTerms terms{};
};

struct ClientRecord {
  std::string client_id;
  std::string secret_hash;  // Argon2id, or keyed HMAC-SHA256 for generated secrets
  std::vector<std::string> scopes;
  PrincipalTerms terms{};

  // True when the secret is checked with the fast keyed hash (no Argon2id, no hashing slot).
  bool has_keyed_hash() const noexcept;
};

// A new client secret: 32 random bytes, base64url (43 characters). Shown once, then only its
// hash is kept.
std::string generate_client_secret();

class CredentialStore {
 public:
  using Users = std::map<std::string, UserRecord, std::less<>>;
  using Clients = std::map<std::string, ClientRecord, std::less<>>;
  using PublicClients = std::set<std::string, std::less<>>;

  explicit CredentialStore(ScopeSet allowed_scopes = default_allowed_scopes());

  static boost::system::result<CredentialStore, Error> parse(
      std::string_view json, ScopeSet allowed_scopes = default_allowed_scopes());
  // The file must pass check_file_trust as a secret (secure_file.h): group-readable as a
  // Kubernetes Secret with fsGroup is, but writable by nobody but its owner.
  static boost::system::result<CredentialStore, Error> load(
      const std::filesystem::path& path, ScopeSet allowed_scopes = default_allowed_scopes());

  // Pretty-printed JSON in the format above, entries sorted by name.
  std::string to_json() const;
  // Atomic replace (temporary file + rename), mode 0600.
  boost::system::result<void, Error> save(const std::filesystem::path& path) const;

  // Users. Passwords: 8-1024 bytes. Errors name what is wrong (unknown user, duplicate, ...).
  boost::system::result<void, Error> add_user(std::string_view name, std::string_view password,
                                              std::vector<std::string> scopes,
                                              const PasswordHasher& hasher);
  boost::system::result<void, Error> remove_user(std::string_view name);
  boost::system::result<void, Error> set_user_password(std::string_view name,
                                                       std::string_view password,
                                                       const PasswordHasher& hasher);
  boost::system::result<void, Error> set_user_scopes(std::string_view name,
                                                     std::vector<std::string> scopes);
  const UserRecord* find_user(std::string_view name) const;
  const Users& users() const noexcept { return users_; }

  // Clients. Secrets chosen by the operator: 16-1024 bytes, stored as Argon2id.
  boost::system::result<void, Error> add_client(std::string_view client_id, std::string_view secret,
                                                std::vector<std::string> scopes,
                                                const PasswordHasher& hasher);
  // A client with a secret made here (generate_client_secret()), stored as a keyed hash;
  // returns the secret, to be shown once.
  boost::system::result<std::string, Error> add_generated_client(std::string_view client_id,
                                                                 std::vector<std::string> scopes);
  // Removes a confidential or a public client.
  boost::system::result<void, Error> remove_client(std::string_view client_id);
  boost::system::result<void, Error> set_client_secret(std::string_view client_id,
                                                       std::string_view secret,
                                                       const PasswordHasher& hasher);
  // A new generated secret (keyed hash) replaces the old one, whatever its kind; returns it.
  boost::system::result<std::string, Error> rotate_client_secret(std::string_view client_id);
  boost::system::result<void, Error> set_client_scopes(std::string_view client_id,
                                                       std::vector<std::string> scopes);
  const ClientRecord* find_client(std::string_view client_id) const;
  const Clients& clients() const noexcept { return clients_; }

  // Public clients: ids the password grant accepts as client_id. No secret, no scopes.
  boost::system::result<void, Error> add_public_client(std::string_view client_id);
  bool is_public_client(std::string_view client_id) const;
  const PublicClients& public_clients() const noexcept { return public_clients_; }

  // The distinct Argon2id parameter sets of the users' hashes (of the clients' Argon2id
  // hashes), in a fixed order: a login hashes once with each, so that its cost depends neither
  // on whether the name exists nor on its hash's parameters (CredentialAuthenticator).
  const std::vector<Argon2Params>& user_hash_params() const noexcept { return user_params_; }
  const std::vector<Argon2Params>& client_hash_params() const noexcept { return client_params_; }

  const ScopeSet& allowed_scopes() const noexcept { return allowed_scopes_; }

  // Plans (see Plan). Removing a plan some principal names fails, as does naming an unknown
  // plan; numbers: 1..1,000,000 requests a minute, burst 0..100,000.
  using Plans = std::map<std::string, Plan, std::less<>>;
  boost::system::result<void, Error> set_plan(std::string_view name, Plan plan);
  boost::system::result<void, Error> remove_plan(std::string_view name);
  const Plan* find_plan(std::string_view name) const;
  const Plans& plans() const noexcept { return plans_; }
  // `plan` kNoPlan (or empty) clears it.
  boost::system::result<void, Error> set_user_plan(std::string_view name, std::string_view plan);
  boost::system::result<void, Error> set_client_plan(std::string_view client_id,
                                                     std::string_view plan);
  // Stamped by `users|clients add` (the CLI reads the clock; the store stays a value).
  boost::system::result<void, Error> set_user_created_at(std::string_view name,
                                                         std::int64_t unix_seconds);
  boost::system::result<void, Error> set_client_created_at(std::string_view client_id,
                                                           std::int64_t unix_seconds);

 private:
  // Whether a record may name `plan`: empty or kNoPlan (none), or a defined plan.
  boost::system::result<void, Error> checked_plan(std::string_view plan) const;
  static boost::system::result<Plan, Error> checked_plan_numbers(std::string_view name, Plan plan);

  // Sorted, duplicate-free copy of `scopes` if all are allowed.
  boost::system::result<std::vector<std::string>, Error> checked_scopes(
      std::vector<std::string> scopes) const;

  // Recomputes user_params_ and client_params_ after a change.
  void refresh_hash_params();
  boost::system::result<void, Error> check_new_client_id(std::string_view client_id) const;

  friend class CredentialFileReader;

  ScopeSet allowed_scopes_;
  Users users_;
  Clients clients_;
  Plans plans_;
  PublicClients public_clients_;
  std::vector<Argon2Params> user_params_;
  std::vector<Argon2Params> client_params_;
};

}  // namespace smlapi::auth
