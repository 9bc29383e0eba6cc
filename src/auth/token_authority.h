// What a verified local token may still do for its principal in the identity store: a token of
// a removed user or client, and one issued before its principal was (re-)created, have no
// authority at all, whatever their signature and expiry say; a token carrying a scope its
// principal no longer holds keeps only the scopes still held (a withdrawn scope is answered as
// one never granted: 403 insufficient_scope on the routes that need it). Checked against the
// in-memory store the server reloads when the users file changes (api::CredentialsSource), so
// withdrawing authority needs no deny-list entry and no Redis call.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "auth/credential_store.h"
#include "auth/token_verifier.h"

namespace smlapi::auth {

enum class Authority {
  current,             // the principal exists and holds every scope of the token
  scopes_narrowed,     // ... but no longer holds some of them: those were taken out
  not_local,           // an external issuer's token: the store does not know its subjects
  principal_removed,   // withdrawn: no such user (kind user) or client (kind client)
  predates_principal,  // withdrawn: iat < the principal's created_at (an earlier namesake)
};

// A name for tests and logs (the metric and audit reason of every withdrawal is
// "authority_withdrawn").
std::string_view to_string(Authority authority) noexcept;

// Whether the token may still be used at all.
constexpr bool withdrawn(Authority authority) noexcept {
  return authority == Authority::principal_removed || authority == Authority::predates_principal;
}

// The record behind a local principal: its scopes and terms (plan, created_at).
struct LocalPrincipal {
  const std::vector<std::string>* scopes = nullptr;
  const PrincipalTerms* terms = nullptr;
};

// Users for kind user, clients for kind client (the token's gty); nothing for external
// principals.
std::optional<LocalPrincipal> find_local_principal(const CredentialStore& store, SubjectKind kind,
                                                   std::string_view subject);

// Checks `token` against its principal's record and narrows token.scopes to the scopes the
// principal still holds (left untouched when withdrawn or not local).
Authority apply_authority(const CredentialStore& store, VerifiedToken& token);

}  // namespace smlapi::auth
