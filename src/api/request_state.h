// What the pipeline knows of one request while answering it: its id, the client it is
// attributed to, the caller once authenticated, and the admission's progress with the store
// keys it asked for. Kept apart from WorkerState (what a worker keeps across requests: parsers,
// scorers, caches, log, metrics) so that a request waiting on I/O can own one while its worker
// answers others. Today each worker answers one request at a time and reuses one RequestState,
// so its strings keep their capacity and a request allocates nothing here.
#pragma once

#include "api/plan_policies.h"
#include "auth/token_verifier.h"
#include "ratelimit/admission_store.h"
#include "tracing/request_trace.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace smlapi::api {

// Who is calling, once a bearer token has been verified.
struct Principal {
  auth::SubjectKind kind = auth::SubjectKind::user;
  std::string issuer_name;  // empty for the local issuer
  std::string subject;
  std::string client_id;
  std::string jti;
  std::vector<std::string> scopes;
  std::int64_t expires_at = 0;

  bool has_scope(std::string_view scope) const {
    for (const auto& s : scopes) {
      if (s == scope) return true;
    }
    return false;
  }
  // The same principal: same namespace (kind and issuer) and same subject.
  bool same_owner(const Principal& other) const {
    return kind == other.kind && issuer_name == other.issuer_name && subject == other.subject;
  }
  // Copies the token's claims, reusing the strings' capacity.
  void assign(const auth::VerifiedToken& token);
};

// Where a request's admission stands (see api/admission.h).
struct AdmissionProgress {
  enum class Stage : std::uint8_t {
    address,               // a public route's address limit
    address_before_token,  // a new token's address limit, before its signature is checked
    token,                 // the deny-list and the subject limit (with the address, if cached)
    subject                // the subject limit alone (a store that skipped it)
  };
  Stage stage = Stage::address;
  bool limited = false;             // the route is rate limited and limits are on
  bool subject_limited = false;     // ... and the token holds the route's scope
  std::string address_key;          // "rl:<policy>:ip:<address>"
  std::string subject_key;          // "rl:<policy>-user:sub:<namespaced subject>[:plan:<plan>]"
  std::string subject_scratch;      // the namespaced subject when it is not the subject itself
  std::string address_bucket;       // an IPv6 client's /64, the address it is limited by
  ratelimit::AdmissionQuery query;  // the pending store step; its views point into this struct
  // The caller's plan policy that counts the subject limit (null: the route's policy), and the
  // worker's plan set it points into, kept alive while the step is pending.
  const PlanPolicy* subject_plan = nullptr;
  std::shared_ptr<const PlanPolicies> plans;
  double store_seconds = 0;  // the last step's latency, for the store histogram
};

struct RequestState {
  std::string request_id;
  std::string client_address;  // after trusted-proxy resolution
  Principal principal;         // valid once admission authenticated the caller
  bool authenticated = false;
  AdmissionProgress admission;
  tracing::RequestTrace trace;  // its trace, and the child spans recorded so far
};

}  // namespace smlapi::api
