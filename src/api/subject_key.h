// The per-subject rate-limit identity of a caller: its subject in its namespace, so that user
// "alice", client "alice" and an external issuer's "alice" are counted apart (issue 16).
// It is what follows "rl:<policy>-user:sub:" in the store key:
//
//   local user          alice                      (unchanged: user names have no ':')
//   local client        client:batch-job
//   external issuer     ext:<length of name>:<issuer name>:<sub>
//
// A user subject that contains ':' (names cannot; only a token signed outside this service
// could) becomes "user:<sub>", so no spelling of one namespace can reach another. The length
// before an external issuer's name keeps "ext:a:b:c" unambiguous whatever the names contain.
// Users, the common case, cost nothing: their subject is used as it is.
#pragma once

#include "api/request_state.h"

#include <string>
#include <string_view>

namespace smlapi::api {

// The identity of `principal`; built in `scratch` (reused, no allocation once warm) when it
// is not the subject itself.
std::string_view subject_identity(const Principal& principal, std::string& scratch);

}  // namespace smlapi::api
