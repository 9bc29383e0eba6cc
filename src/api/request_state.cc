#include "api/request_state.h"

namespace smlapi::api {

void Principal::assign(const auth::VerifiedToken& token) {
  subject = token.subject;
  client_id = token.client_id;
  jti = token.jti;
  scopes = token.scopes;
  expires_at = token.expires_at;
}

}  // namespace smlapi::api
