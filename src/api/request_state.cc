#include "api/request_state.h"

namespace smlapi::api {

void Principal::assign(const auth::VerifiedToken& token) {
  // A client sends the same token again and again, so the worker's principal usually holds its
  // claims already: comparing costs a third of copying (bench/api/callgrind.sh).
  if (jti == token.jti && subject == token.subject && expires_at == token.expires_at &&
      client_id == token.client_id && scopes == token.scopes && kind == token.kind &&
      issuer_name == token.issuer_name) {
    return;
  }
  kind = token.kind;
  issuer_name = token.issuer_name;
  subject = token.subject;
  client_id = token.client_id;
  jti = token.jti;
  scopes = token.scopes;
  expires_at = token.expires_at;
}

}  // namespace smlapi::api
