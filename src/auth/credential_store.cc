#include "auth/credential_store.h"

#include <algorithm>
#include <tuple>

#include "auth/keyed_secret_hash.h"
#include "auth/names.h"
#include "auth/random.h"
#include "auth/secure_file.h"
#include "common/json_writer.h"

namespace smlapi::auth {
namespace {

constexpr std::size_t kClientSecretRandomBytes = 32;

Error invalid_name(std::string_view what, std::string_view name) {
  return Error{"invalid " + std::string(what) + " '" + std::string(name) +
               "': use 1-64 characters of [A-Za-z0-9._@-]"};
}

boost::system::result<void, Error> check_secret_length(std::string_view secret, std::size_t min,
                                                       std::string_view what) {
  if (secret.size() < min || secret.size() > kMaxPasswordBytes) {
    return Error{std::string(what) + " must be " + std::to_string(min) + " to " +
                 std::to_string(kMaxPasswordBytes) + " bytes long"};
  }
  return {};
}

void append_scopes_json(std::string& out, const std::vector<std::string>& scopes) {
  out += '[';
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    if (i > 0) out += ", ";
    json::append_string(out, scopes[i]);
  }
  out += ']';
}

// The optional members of an entry (PrincipalTerms), written only when set.
void append_terms_json(std::string& out, const PrincipalTerms& terms) {
  if (!terms.plan.empty()) {
    out += ", \"plan\": ";
    json::append_string(out, terms.plan);
  }
  if (terms.created_at != 0) {
    out += ", \"created_at\": ";
    out += std::to_string(terms.created_at);
  }
}

void append_plans_json(std::string& out, const CredentialStore::Plans& plans) {
  out += "  \"plans\": {";
  bool first = true;
  for (const auto& [name, plan] : plans) {
    out += first ? "\n    " : ",\n    ";
    json::append_string(out, name);
    out += ": {\"requests_per_minute\": " + std::to_string(plan.requests_per_minute) +
           ", \"burst\": " + std::to_string(plan.burst) + "}";
    first = false;
  }
  out += first ? "}" : "\n  }";
}

void append_entry_json(std::string& out, std::string_view name_key, std::string_view name,
                       std::string_view hash_key, std::string_view hash,
                       const std::vector<std::string>& scopes, const PrincipalTerms& terms) {
  out += "    {";
  json::append_string(out, name_key);
  out += ": ";
  json::append_string(out, name);
  out += ", ";
  json::append_string(out, hash_key);
  out += ": ";
  json::append_string(out, hash);
  out += ", \"scopes\": ";
  append_scopes_json(out, scopes);
  append_terms_json(out, terms);
  out += '}';
}

template <typename Map, typename AppendEntry>
void append_array_json(std::string& out, std::string_view name, const Map& entries,
                       AppendEntry append_entry) {
  out += "  ";
  json::append_string(out, name);
  out += ": [";
  bool first = true;
  for (const auto& [key, entry] : entries) {
    out += first ? "\n" : ",\n";
    append_entry(entry);
    first = false;
  }
  out += first ? "]" : "\n  ]";
}

// The distinct parameter sets of the Argon2id hashes among `hashes`, sorted.
template <typename Map, typename HashOf>
std::vector<Argon2Params> distinct_params(const Map& entries, HashOf hash_of) {
  std::vector<Argon2Params> params;
  for (const auto& [name, entry] : entries) {
    const auto phc = parse_argon2id_phc(hash_of(entry));
    if (phc && std::find(params.begin(), params.end(), phc->params) == params.end()) {
      params.push_back(phc->params);
    }
  }
  std::sort(params.begin(), params.end(), [](const Argon2Params& a, const Argon2Params& b) {
    return std::tie(a.memory_kib, a.iterations, a.parallelism) <
           std::tie(b.memory_kib, b.iterations, b.parallelism);
  });
  return params;
}

}  // namespace

bool is_valid_plan_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > kMaxPlanNameLength || name == kNoPlan) return false;
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!letter(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

std::string generate_client_secret() { return random_token(kClientSecretRandomBytes); }

bool ClientRecord::has_keyed_hash() const noexcept {
  return secret_hash.starts_with(kKeyedHashPrefix);
}

CredentialStore::CredentialStore(ScopeSet allowed_scopes)
    : allowed_scopes_(std::move(allowed_scopes)) {}

boost::system::result<std::vector<std::string>, Error> CredentialStore::checked_scopes(
    std::vector<std::string> scopes) const {
  for (const auto& scope : scopes) {
    if (!allowed_scopes_.contains(scope)) {
      std::string allowed;
      for (const auto& name : allowed_scopes_) allowed += (allowed.empty() ? "" : ", ") + name;
      return Error{"unknown scope '" + scope + "' (allowed: " + allowed + ")"};
    }
  }
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
  return scopes;
}

std::string CredentialStore::to_json() const {
  std::string out = "{\n  \"version\": 1,\n";
  append_array_json(out, "users", users_, [&](const UserRecord& user) {
    append_entry_json(out, "name", user.name, "password_hash", user.password_hash, user.scopes,
                      user.terms);
  });
  out += ",\n";
  append_array_json(out, "clients", clients_, [&](const ClientRecord& client) {
    append_entry_json(out, "client_id", client.client_id, "secret_hash", client.secret_hash,
                      client.scopes, client.terms);
  });
  if (!public_clients_.empty()) {
    out += ",\n  \"public_clients\": [";
    bool first = true;
    for (const auto& id : public_clients_) {
      out += first ? "" : ", ";
      json::append_string(out, id);
      first = false;
    }
    out += ']';
  }
  if (!plans_.empty()) {
    out += ",\n";
    append_plans_json(out, plans_);
  }
  out += "\n}\n";
  return out;
}

boost::system::result<void, Error> CredentialStore::save(const std::filesystem::path& path) const {
  return replace_file_atomically(path, to_json(), 0600);
}

boost::system::result<CredentialStore, Error> CredentialStore::load(
    const std::filesystem::path& path, ScopeSet allowed_scopes) {
  // Password hashes are secrets, and whoever can write the file can add an account.
  auto contents = read_trusted_file(path, FileAudience::secret, kMaxCredentialFileBytes);
  if (!contents) return contents.error();
  auto store = parse(contents.value(), std::move(allowed_scopes));
  if (!store) return Error{path.string() + ": " + store.error().message};
  return store;
}

void CredentialStore::refresh_hash_params() {
  user_params_ = distinct_params(users_, [](const UserRecord& u) { return u.password_hash; });
  client_params_ = distinct_params(clients_, [](const ClientRecord& c) { return c.secret_hash; });
}

boost::system::result<void, Error> CredentialStore::check_new_client_id(
    std::string_view client_id) const {
  if (!is_valid_principal_name(client_id)) return invalid_name("client id", client_id);
  if (clients_.contains(client_id) || public_clients_.contains(client_id)) {
    return Error{"client '" + std::string(client_id) + "' already exists"};
  }
  return {};
}

boost::system::result<void, Error> CredentialStore::add_user(std::string_view name,
                                                             std::string_view password,
                                                             std::vector<std::string> scopes,
                                                             const PasswordHasher& hasher) {
  if (!is_valid_principal_name(name)) return invalid_name("user name", name);
  if (users_.contains(name)) return Error{"user '" + std::string(name) + "' already exists"};
  if (auto ok = check_secret_length(password, kMinPasswordBytes, "password"); !ok) return ok;
  auto checked = checked_scopes(std::move(scopes));
  if (!checked) return checked.error();
  users_.emplace(std::string(name),
                 UserRecord{std::string(name), hasher.hash(password), std::move(checked).value()});
  refresh_hash_params();
  return {};
}

boost::system::result<void, Error> CredentialStore::remove_user(std::string_view name) {
  const auto found = users_.find(name);
  if (found == users_.end()) return Error{"no user '" + std::string(name) + "'"};
  users_.erase(found);
  refresh_hash_params();
  return {};
}

boost::system::result<void, Error> CredentialStore::set_user_password(
    std::string_view name, std::string_view password, const PasswordHasher& hasher) {
  const auto found = users_.find(name);
  if (found == users_.end()) return Error{"no user '" + std::string(name) + "'"};
  if (auto ok = check_secret_length(password, kMinPasswordBytes, "password"); !ok) return ok;
  found->second.password_hash = hasher.hash(password);
  refresh_hash_params();
  return {};
}

boost::system::result<void, Error> CredentialStore::set_user_scopes(
    std::string_view name, std::vector<std::string> scopes) {
  const auto found = users_.find(name);
  if (found == users_.end()) return Error{"no user '" + std::string(name) + "'"};
  auto checked = checked_scopes(std::move(scopes));
  if (!checked) return checked.error();
  found->second.scopes = std::move(checked).value();
  return {};
}

const UserRecord* CredentialStore::find_user(std::string_view name) const {
  const auto found = users_.find(name);
  return found == users_.end() ? nullptr : &found->second;
}

boost::system::result<void, Error> CredentialStore::add_client(std::string_view client_id,
                                                               std::string_view secret,
                                                               std::vector<std::string> scopes,
                                                               const PasswordHasher& hasher) {
  if (auto ok = check_new_client_id(client_id); !ok) return ok;
  if (auto ok = check_secret_length(secret, kMinClientSecretBytes, "client secret"); !ok) return ok;
  auto checked = checked_scopes(std::move(scopes));
  if (!checked) return checked.error();
  clients_.emplace(std::string(client_id), ClientRecord{std::string(client_id), hasher.hash(secret),
                                                        std::move(checked).value()});
  refresh_hash_params();
  return {};
}

boost::system::result<std::string, Error> CredentialStore::add_generated_client(
    std::string_view client_id, std::vector<std::string> scopes) {
  if (auto ok = check_new_client_id(client_id); !ok) return ok.error();
  auto checked = checked_scopes(std::move(scopes));
  if (!checked) return checked.error();
  std::string secret = generate_client_secret();
  clients_.emplace(
      std::string(client_id),
      ClientRecord{std::string(client_id), keyed_secret_hash(secret), std::move(checked).value()});
  return boost::system::result<std::string, Error>(boost::system::in_place_value,
                                                   std::move(secret));
}

boost::system::result<void, Error> CredentialStore::add_public_client(std::string_view client_id) {
  if (auto ok = check_new_client_id(client_id); !ok) return ok;
  public_clients_.emplace(client_id);
  return {};
}

bool CredentialStore::is_public_client(std::string_view client_id) const {
  return public_clients_.contains(client_id);
}

boost::system::result<void, Error> CredentialStore::remove_client(std::string_view client_id) {
  if (public_clients_.erase(std::string(client_id)) > 0) return {};
  const auto found = clients_.find(client_id);
  if (found == clients_.end()) return Error{"no client '" + std::string(client_id) + "'"};
  clients_.erase(found);
  refresh_hash_params();
  return {};
}

boost::system::result<std::string, Error> CredentialStore::rotate_client_secret(
    std::string_view client_id) {
  const auto found = clients_.find(client_id);
  if (found == clients_.end()) return Error{"no client '" + std::string(client_id) + "'"};
  std::string secret = generate_client_secret();
  found->second.secret_hash = keyed_secret_hash(secret);
  refresh_hash_params();
  return boost::system::result<std::string, Error>(boost::system::in_place_value,
                                                   std::move(secret));
}

boost::system::result<void, Error> CredentialStore::set_client_secret(
    std::string_view client_id, std::string_view secret, const PasswordHasher& hasher) {
  const auto found = clients_.find(client_id);
  if (found == clients_.end()) return Error{"no client '" + std::string(client_id) + "'"};
  if (auto ok = check_secret_length(secret, kMinClientSecretBytes, "client secret"); !ok) return ok;
  found->second.secret_hash = hasher.hash(secret);
  refresh_hash_params();
  return {};
}

boost::system::result<void, Error> CredentialStore::set_client_scopes(
    std::string_view client_id, std::vector<std::string> scopes) {
  const auto found = clients_.find(client_id);
  if (found == clients_.end()) return Error{"no client '" + std::string(client_id) + "'"};
  auto checked = checked_scopes(std::move(scopes));
  if (!checked) return checked.error();
  found->second.scopes = std::move(checked).value();
  return {};
}

const ClientRecord* CredentialStore::find_client(std::string_view client_id) const {
  const auto found = clients_.find(client_id);
  return found == clients_.end() ? nullptr : &found->second;
}

// ---- plans and principal terms -------------------------------------------------------------

namespace {

template <typename Map>
boost::system::result<PrincipalTerms*, Error> terms_of(Map& entries, std::string_view name,
                                                       std::string_view what) {
  const auto found = entries.find(name);
  if (found == entries.end())
    return Error{"no " + std::string(what) + " '" + std::string(name) + "'"};
  return &found->second.terms;
}

}  // namespace

boost::system::result<Plan, Error> CredentialStore::checked_plan_numbers(std::string_view name,
                                                                         Plan plan) {
  if (!is_valid_plan_name(name)) {
    return Error{"invalid plan name '" + std::string(name) +
                 "': use 1-32 characters of [A-Za-z0-9_.-] starting with a letter, not 'none'"};
  }
  if (plan.requests_per_minute < 1 || plan.requests_per_minute > kMaxPlanRequestsPerMinute) {
    return Error{"plan '" + std::string(name) + "': requests_per_minute must be 1 to " +
                 std::to_string(kMaxPlanRequestsPerMinute)};
  }
  if (plan.burst > kMaxPlanBurst) {
    return Error{"plan '" + std::string(name) + "': burst must be 0 to " +
                 std::to_string(kMaxPlanBurst)};
  }
  return plan;
}

boost::system::result<void, Error> CredentialStore::checked_plan(std::string_view plan) const {
  if (plan.empty() || plan == kNoPlan || plans_.contains(plan)) return {};
  return Error{"unknown plan '" + std::string(plan) + "'"};
}

boost::system::result<void, Error> CredentialStore::set_plan(std::string_view name, Plan plan) {
  auto checked = checked_plan_numbers(name, plan);
  if (!checked) return checked.error();
  plans_.insert_or_assign(std::string(name), *checked);
  return {};
}

boost::system::result<void, Error> CredentialStore::remove_plan(std::string_view name) {
  const auto found = plans_.find(name);
  if (found == plans_.end()) return Error{"no plan '" + std::string(name) + "'"};
  for (const auto& [user, record] : users_) {
    if (record.terms.plan == name)
      return Error{"plan '" + std::string(name) + "' is used by user '" + user + "'"};
  }
  for (const auto& [client, record] : clients_) {
    if (record.terms.plan == name) {
      return Error{"plan '" + std::string(name) + "' is used by client '" + client + "'"};
    }
  }
  plans_.erase(found);
  return {};
}

const Plan* CredentialStore::find_plan(std::string_view name) const {
  const auto found = plans_.find(name);
  return found == plans_.end() ? nullptr : &found->second;
}

boost::system::result<void, Error> CredentialStore::set_user_plan(std::string_view name,
                                                                  std::string_view plan) {
  auto terms = terms_of(users_, name, "user");
  if (!terms) return terms.error();
  if (auto ok = checked_plan(plan); !ok) return ok;
  (*terms)->plan.assign(plan == kNoPlan ? std::string_view() : plan);
  return {};
}

boost::system::result<void, Error> CredentialStore::set_client_plan(std::string_view client_id,
                                                                    std::string_view plan) {
  auto terms = terms_of(clients_, client_id, "client");
  if (!terms) return terms.error();
  if (auto ok = checked_plan(plan); !ok) return ok;
  (*terms)->plan.assign(plan == kNoPlan ? std::string_view() : plan);
  return {};
}

boost::system::result<void, Error> CredentialStore::set_user_created_at(std::string_view name,
                                                                        std::int64_t unix_seconds) {
  auto terms = terms_of(users_, name, "user");
  if (!terms) return terms.error();
  (*terms)->created_at = unix_seconds;
  return {};
}

boost::system::result<void, Error> CredentialStore::set_client_created_at(
    std::string_view client_id, std::int64_t unix_seconds) {
  auto terms = terms_of(clients_, client_id, "client");
  if (!terms) return terms.error();
  (*terms)->created_at = unix_seconds;
  return {};
}

}  // namespace smlapi::auth
