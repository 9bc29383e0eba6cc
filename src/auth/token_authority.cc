#include "auth/token_authority.h"

#include <algorithm>

namespace smlapi::auth {

std::string_view to_string(Authority authority) noexcept {
  switch (authority) {
    case Authority::current:
      return "current";
    case Authority::not_local:
      return "not_local";
    case Authority::principal_removed:
      return "principal_removed";
    case Authority::scopes_narrowed:
      return "scopes_narrowed";
    case Authority::predates_principal:
      return "predates_principal";
  }
  return "unknown";
}

std::optional<LocalPrincipal> find_local_principal(const CredentialStore& store, SubjectKind kind,
                                                   std::string_view subject) {
  if (kind == SubjectKind::client) {
    const ClientRecord* client = store.find_client(subject);
    if (client == nullptr) return std::nullopt;
    return LocalPrincipal{&client->scopes, &client->terms};
  }
  if (kind != SubjectKind::user) return std::nullopt;
  if (const UserRecord* user = store.find_user(subject); user != nullptr) {
    return LocalPrincipal{&user->scopes, &user->terms};
  }
  return std::nullopt;
}

Authority apply_authority(const CredentialStore& store, VerifiedToken& token) {
  if (token.kind == SubjectKind::external) return Authority::not_local;
  const auto principal = find_local_principal(store, token.kind, token.subject);
  if (!principal) return Authority::principal_removed;
  // Whole seconds on both sides: a token issued in the second of the re-creation passes.
  if (token.issued_at < principal->terms->created_at) return Authority::predates_principal;
  const std::vector<std::string>& held = *principal->scopes;  // sorted, duplicate-free
  const auto not_held = [&](const std::string& scope) {
    return !std::binary_search(held.begin(), held.end(), scope);
  };
  const auto kept = std::remove_if(token.scopes.begin(), token.scopes.end(), not_held);
  if (kept == token.scopes.end()) return Authority::current;
  token.scopes.erase(kept, token.scopes.end());
  return Authority::scopes_narrowed;
}

}  // namespace smlapi::auth
