#include "api/token_endpoints.h"

#include "api/content_type.h"
#include "api/deferred_answer.h"
#include "api/errors.h"
#include "api/form_body.h"
#include "api/request_tracing.h"
#include "api/worker_state.h"
#include "auth/names.h"
#include "auth/scopes.h"
#include "common/json_writer.h"

#include <openssl/evp.h>
#include <boost/asio/post.hpp>
#include <boost/beast/core/string.hpp>

#include <chrono>

namespace smlapi::api {

namespace {

// Standard base64 (RFC 4648 section 4) for HTTP Basic credentials.
bool base64_decode(std::string_view in, std::string& out) {
  if (in.empty() || in.size() % 4 != 0 || in.size() > 2048) return false;
  out.resize(in.size() / 4 * 3);
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) return false;
  std::size_t padding = in.ends_with("==") ? 2 : in.ends_with("=") ? 1 : 0;
  out.resize(static_cast<std::size_t>(n) - padding);
  return true;
}

// RFC 6749 section 2.3.1: "Basic base64(urlencode(id):urlencode(secret))".
bool parse_basic(std::string_view authorization, std::string& id, std::string& secret) {
  constexpr std::string_view kScheme = "basic ";
  if (authorization.size() <= kScheme.size() ||
      !boost::beast::iequals(authorization.substr(0, kScheme.size()), kScheme)) {
    return false;
  }
  std::string decoded;
  if (!base64_decode(authorization.substr(kScheme.size()), decoded)) return false;
  auto colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  return form_decode(std::string_view(decoded).substr(0, colon), id) &&
         form_decode(std::string_view(decoded).substr(colon + 1), secret);
}

std::string_view field(const FormFields& fields, std::string_view name) {
  auto found = fields.find(name);
  return found == fields.end() ? std::string_view{} : std::string_view(found->second);
}

}  // namespace

void set_oauth_error(http::Response& response, unsigned status, std::string_view error,
                     std::string_view description) {
  response.status = status;
  response.content_type = "application/json";
  response.body.assign("{\"error\":");
  json::append_string(response.body, error);
  response.body.append(",\"error_description\":");
  json::append_string(response.body, description);
  response.body.push_back('}');
  response.add_header("Pragma", "no-cache");
}

struct TokenEndpoints::Grant {
  bool client_credentials = false;
  bool used_basic = false;
  std::string name;    // username or client_id
  std::string secret;  // password or client secret (never logged)
  std::string requested_scope;
  std::string password_client_id;
  std::optional<DeferredAnswer> answer;  // once the grant goes to the hashing pool
  std::optional<auth::HashingGate::Permit> permit;
  std::shared_ptr<const auth::TokenIssuer> issuer;  // the keys current when the request came
};

TokenEndpoints::TokenEndpoints(TokenEndpointParts parts, LogSink& audit)
    : parts_(std::move(parts)),
      audit_(audit),
      authenticator_(*parts_.hasher),
      gate_(parts_.max_concurrent_hashes),
      pool_(parts_.max_concurrent_hashes) {}

TokenEndpoints::~TokenEndpoints() { pool_.join(); }

void TokenEndpoints::answer(Call& call) {
  switch (call.route) {
    case Route::token:
      return token(call);
    case Route::token_revoke:
      return revoke(call);
    default:
      return jwks(call);
  }
}

void TokenEndpoints::jwks(Call& call) const {
  call.response.body = parts_.access->keys()->jwks_json();
  call.response.content_type = "application/jwk-set+json";
}

namespace {

// RFC 6749 sections 2.1, 4.3 and 5.2: a password grant may name a client, which must be a
// registered public client (a confidential client authenticates instead, and an unregistered
// or malformed id must never be signed into a token). None: the token says "password-grant".
bool is_acceptable_password_client(const auth::CredentialStore& store, std::string_view id) {
  return id.empty() || (auth::is_valid_principal_name(id) && store.is_public_client(id));
}

}  // namespace

void TokenEndpoints::token(Call& call) {
  http::Response& response = call.response;
  std::shared_ptr<const auth::TokenIssuer> issuer =
      parts_.keys ? parts_.keys->current()->issuer : nullptr;
  if (!issuer) {
    set_error(response, ApiError::not_found, "Token issuance is disabled on this instance");
    return;
  }
  if (!is_form(call.request.content_type)) {
    set_oauth_error(response, 415, "invalid_request",
                    "Content-Type must be application/x-www-form-urlencoded");
    return;
  }
  auto form = parse_form(call.request.body);
  if (!form) {
    set_oauth_error(response, 400, "invalid_request", "Malformed or repeated form parameters");
    return;
  }
  std::string_view grant_type = field(*form, "grant_type");
  Grant grant;
  grant.issuer = std::move(issuer);
  if (grant_type == "password") {
    grant.name = field(*form, "username");
    grant.secret = field(*form, "password");
    grant.password_client_id = field(*form, "client_id");
    if (grant.name.empty() || grant.secret.empty()) {
      set_oauth_error(response, 400, "invalid_request", "username and password are required");
      return;
    }
    if (!is_acceptable_password_client(*parts_.credentials->current(), grant.password_client_id)) {
      // 400, not 401: the client did not try HTTP authentication, so there is no scheme to
      // announce in WWW-Authenticate (RFC 6749 section 5.2).
      call.worker.metrics.auth_failure("invalid_client");
      audit("token.refused", "denied", "unregistered_client", grant.name, call.client_address,
            call.state.request_id);
      set_oauth_error(response, 400, "invalid_client",
                      "client_id is not a registered public client");
      return;
    }
  } else if (grant_type == "client_credentials") {
    grant.client_credentials = true;
    grant.used_basic = parse_basic(call.request.authorization, grant.name, grant.secret);
    if (!grant.used_basic) {
      grant.name = field(*form, "client_id");
      grant.secret = field(*form, "client_secret");
    }
    if (grant.name.empty() || grant.secret.empty()) {
      set_oauth_error(response, 401, "invalid_client", "Client authentication failed");
      response.add_header("WWW-Authenticate", "Basic realm=\"secure-ml-api\"");
      return;
    }
  } else if (grant_type.empty()) {
    set_oauth_error(response, 400, "invalid_request", "grant_type is required");
    return;
  } else {
    set_oauth_error(response, 400, "unsupported_grant_type",
                    "Supported grants: client_credentials, password");
    return;
  }
  grant.requested_scope = field(*form, "scope");

  LoginSource source{std::string(call.client_address), false};
  if (parts_.login_guard) {
    source = parts_.login_guard->source(grant.name, call.client_address);
    if (auto wait = parts_.login_guard->blocked(grant.name, call.client_address)) {
      set_oauth_error(response, 429, "invalid_request", "Too many failed attempts; retry later");
      response.add_header("Retry-After", std::to_string(wait->count()));
      call.worker.metrics.auth_failure("login_throttled");
      audit("token.refused", "throttled", "login_throttled", grant.name, call.client_address,
            call.state.request_id);
      return;
    }
  }
  // A generated client secret is checked with a keyed hash in microseconds: here, on the event
  // loop, without a hashing slot, so client_credentials is never queued behind Argon2id.
  if (grant.client_credentials) {
    auto store = parts_.credentials->current();
    if (auth::CredentialAuthenticator::uses_keyed_check(*store, grant.name, grant.secret)) {
      ChildSpan hashing(call.state.trace, tracing::names::kCredentialHash);
      hashing.add(tracing::names::kHash, "hmac-sha256");
      const auto principal = authenticator_.authenticate_client(*store, grant.name, grant.secret);
      hashing.end();
      finish_grant(
          grant, principal, call.client_address, call.state.request_id,
          [&call](const std::function<void(WorkerMetrics&)>& record) {
            record(call.worker.metrics);
          },
          response);
      return;
    }
  }
  auto permit = gate_.try_acquire(source.key, source.known);  // fair across sources
  if (!permit) {
    set_error(response, ApiError::unavailable, "Too many logins in progress; retry shortly");
    response.add_header("Retry-After", "1");
    call.worker.metrics.shed("hashing");
    return;
  }
  grant.permit.emplace(std::move(*permit));
  grant.answer.emplace(call, grant.name);
  boost::asio::post(pool_,
                    [this, grant = std::move(grant)]() mutable { run_grant(std::move(grant)); });
}

void TokenEndpoints::run_grant(Grant grant) {
  http::Response response;
  auto store = parts_.credentials->current();
  DeferredAnswer& answer = *grant.answer;
  ChildSpan hashing(answer.trace(), tracing::names::kCredentialHash);  // on the hashing pool
  hashing.add(tracing::names::kHash, "argon2id");
  const auto principal = grant.client_credentials
                             ? authenticator_.authenticate_client(*store, grant.name, grant.secret)
                             : authenticator_.authenticate_user(*store, grant.name, grant.secret);
  hashing.end();
  const RequestRecord& record = answer.record();
  finish_grant(
      grant, principal, record.client, record.request_id,
      [&answer](const std::function<void(WorkerMetrics&)>& count) { answer.count(count); },
      response);
  grant.permit.reset();  // release the hashing slot before the answer goes out
  answer.send(std::move(response));
}

void TokenEndpoints::finish_grant(const Grant& grant, const PrincipalResult& principal,
                                  std::string_view client, std::string_view request_id,
                                  const Counter& count, http::Response& response) {
  std::string_view grant_type = grant.client_credentials ? "client_credentials" : "password";
  if (!principal) {
    if (parts_.login_guard) parts_.login_guard->failed(grant.name, client);
    std::string_view reason = grant.client_credentials ? "invalid_client" : "invalid_grant";
    count([reason](WorkerMetrics& metrics) { metrics.auth_failure(reason); });
    audit("token.refused", "denied", reason, grant.name, client, request_id);
    if (grant.client_credentials) {
      set_oauth_error(response, 401, "invalid_client", "Client authentication failed");
      if (grant.used_basic)
        response.add_header("WWW-Authenticate", "Basic realm=\"secure-ml-api\"");
    } else {
      set_oauth_error(response, 400, "invalid_grant", "Invalid username or password");
    }
  } else if (auto scopes = auth::narrow_scopes(grant.requested_scope, principal->scopes); !scopes) {
    count([](WorkerMetrics& metrics) { metrics.auth_failure("invalid_scope"); });
    audit("token.refused", "denied", "invalid_scope", grant.name, client, request_id);
    set_oauth_error(response, 400, "invalid_scope", "Requested scope is not granted");
  } else {
    if (parts_.login_guard) parts_.login_guard->succeeded(grant.name, client);
    std::string_view client_id = grant.password_client_id;
    if (grant.client_credentials) client_id = grant.name;
    if (client_id.empty()) client_id = "password-grant";
    auth::IssuedToken token =
        grant.issuer->issue(grant.name, client_id, *scopes, parts_.clock->unix_seconds(),
                            grant.client_credentials ? auth::TokenGrant::client_credentials
                                                     : auth::TokenGrant::password);
    count([grant_type](WorkerMetrics& metrics) { metrics.token_issued(grant_type); });
    audit("token.issued", "ok", grant_type, grant.name, client, request_id);
    std::string& out = response.body;
    out.assign("{\"access_token\":");
    json::append_string(out, token.access_token);
    out.append(",\"token_type\":\"bearer\",\"expires_in\":");
    json::append_integer(out, token.expires_in);
    out.append(",\"scope\":");
    json::append_string(out, token.scope);
    out.push_back('}');
    response.add_header("Pragma", "no-cache");
  }
}

// The caller was admitted by the pipeline like every authenticated call (route table: any
// valid token): limits, signature, deny-list, audit of refusals.
void TokenEndpoints::revoke(Call& call) {
  http::Response& response = call.response;
  const Principal& caller = *call.principal;
  if (!is_form(call.request.content_type)) {
    set_oauth_error(response, 415, "invalid_request",
                    "Content-Type must be application/x-www-form-urlencoded");
    return;
  }
  auto form = parse_form(call.request.body);
  if (!form || field(*form, "token").empty()) {
    set_oauth_error(response, 400, "invalid_request", "token is required");
    return;
  }
  std::int64_t now = parts_.clock->unix_seconds();
  auto target = call.worker.verifier->verify(field(*form, "token"), now);
  // RFC 7009 section 2.2: an invalid or expired token needs no revocation: 200.
  if (target) {
    // The owner is the same principal, in the same namespace: client "alice" does not own user
    // alice's tokens.
    Principal owner;
    owner.assign(*target);
    if (!owner.same_owner(caller) && !caller.has_scope("admin")) {
      audit("token.revoke_refused", "denied", "not_owner", caller.subject, call.client_address,
            call.state.request_id);
      set_oauth_error(response, 403, "unauthorized_client",
                      "Only the token's owner or an admin may revoke it");
      return;
    }
    // Denied until exp + leeway: the verifier still accepts it during the leeway.
    auto revoked = parts_.access->revocations().revoke(
        target->jti, target->expires_at + parts_.access->leeway_seconds(), now);
    if (!revoked) {
      audit("token.revoke_refused", "unavailable", "revocation_store", caller.subject,
            call.client_address, call.state.request_id);
      set_error(response, ApiError::unavailable, "Revocation store unavailable");
      response.add_header("Retry-After", "1");
      return;
    }
    audit("token.revoked", "ok", "", target->subject, call.client_address, call.state.request_id);
  }
  response.body.assign("{}");
}

void TokenEndpoints::audit(std::string_view event, std::string_view outcome,
                           std::string_view reason, std::string_view subject,
                           std::string_view client, std::string_view request_id) {
  std::string line;
  LogLine(line, outcome == "ok" ? "info" : "warn", event)
      .str("outcome", outcome)
      .str("reason", reason)
      .str("subject", subject)
      .str("client", client)
      .str("request_id", request_id)
      .end();
  audit_.write(line);
}

}  // namespace smlapi::api
