#include "api/admission.h"
#include "api/subject_key.h"

#include "api/errors.h"
#include "api/worker_state.h"
#include "auth/token_authority.h"
#include "net/client_address.h"
#include "net/ip_address.h"

#include <chrono>
#include <stdexcept>

namespace smlapi::api {

namespace {

using Stage = AdmissionProgress::Stage;

// The address a per-address limit counts. IPv6 clients are limited per /64: one host usually
// owns the whole prefix; `bucket` then holds its text. The login defences use the same key.
std::string_view limited_address(std::string_view client, std::string& bucket) {
  return net::source_key(client, bucket);
}

// What a store that skipped a check it was asked for counts as: unavailable (503), never allowed.
constexpr ratelimit::Decision kMissingDecision{
    .allowed = false, .source = ratelimit::DecisionSource::store_unavailable};

}  // namespace

Admission::Admission(AdmissionParts parts, LogSink& audit)
    : parts_(std::move(parts)), audit_(audit) {
  if (!parts_.store || !parts_.clock) throw std::invalid_argument("Admission: no store or clock");
  shared_store_ = parts_.store->shared();
}

bool Admission::admit(Call& call) {
  AdmissionState state = start(call);
  while (state == AdmissionState::awaiting_store) {
    state = resume(call, run_store(call.state.admission));
  }
  return state == AdmissionState::admitted;
}

ratelimit::AdmissionResults Admission::run_store(AdmissionProgress& progress) {
  if (!shared_store_) return parts_.store->run(progress.query);
  // Only a shared store's latency is recorded: the in-process store skips the clock reads.
  const ratelimit::TimePoint before = parts_.clock->steady();
  ratelimit::AdmissionResults results = parts_.store->run(progress.query);
  progress.store_seconds = std::chrono::duration<double>(parts_.clock->steady() - before).count();
  return results;
}

AdmissionState Admission::start(Call& call) {
  RequestState& request = call.state;
  AdmissionProgress& progress = request.admission;
  const RouteInfo& info = route_info(call.route);
  request.authenticated = false;
  call.principal = nullptr;
  progress.limited = parts_.limits && parts_.limits->limits_enabled() && info.needs_rate_limit();
  progress.subject_limited = false;
  progress.subject_plan = nullptr;
  if (!progress.limited && !info.needs_token()) return AdmissionState::admitted;  // health
  progress.query = {};
  progress.query.now = parts_.clock->steady();
  progress.query.unix_now = parts_.clock->unix_seconds();
  if (progress.limited) {
    // Cheapest refusal first: the per-address limit needs no parsing at all.
    std::string_view address = limited_address(request.client_address, progress.address_bucket);
    progress.query.address =
        parts_.limits->query(call.route, LimitedBy::address, address, progress.address_key);
  }
  if (!info.needs_token()) {
    progress.stage = Stage::address;
    return AdmissionState::awaiting_store;
  }
  if (parts_.access) {
    const auth::VerifiedToken* cached = parts_.access->cached(
        bearer_token(call.request.authorization), call.worker, progress.query.unix_now);
    // Verified before: no crypto, so the address limit can share the token's store step.
    if (cached != nullptr) return ask_token_checks(call, *cached);
  }
  if (!progress.limited) return verify_token(call);
  progress.stage = Stage::address_before_token;
  return AdmissionState::awaiting_store;
}

AdmissionState Admission::resume(Call& call, const ratelimit::AdmissionResults& results) {
  switch (call.state.admission.stage) {
    case Stage::address:
      return report_limit(call, LimitedBy::address, results.address) ? AdmissionState::admitted
                                                                     : AdmissionState::refused;
    case Stage::address_before_token:
      if (!report_limit(call, LimitedBy::address, results.address)) return AdmissionState::refused;
      return verify_token(call);
    case Stage::token:
      return finish_token_checks(call, results);
    case Stage::subject:
      return report_limit(call, LimitedBy::subject, results.subject,
                          call.state.admission.subject_plan)
                 ? AdmissionState::admitted
                 : AdmissionState::refused;
  }
  return AdmissionState::refused;
}

bool Admission::precheck(Call& call) {
  const std::string_view scope = route_info(call.route).token_scope();
  if (!route_info(call.route).needs_token()) return true;
  if (!parts_.access) {
    set_error(call.response, ApiError::unavailable, "Authentication is not configured");
    return false;
  }
  auto verified = parts_.access->verify(call.request, call.worker, parts_.clock->unix_seconds());
  if (!verified) return report_auth(call, verified.error());
  call.state.principal.assign(**verified);
  return report_auth(call,
                     parts_.access->judge(call.state.principal, ratelimit::Listing::absent, scope));
}

// A token not in the worker's cache, after its address limit: verified first, so a bad token
// costs no store step.
AdmissionState Admission::verify_token(Call& call) {
  if (!parts_.access) {
    set_error(call.response, ApiError::unavailable, "Authentication is not configured");
    return AdmissionState::refused;
  }
  auto verified =
      parts_.access->verify(call.request, call.worker, call.state.admission.query.unix_now);
  if (!verified) {
    report_auth(call, verified.error());
    return AdmissionState::refused;
  }
  call.state.admission.query.address.reset();  // counted already
  return ask_token_checks(call, **verified);
}

// The deny-list read and, when the token holds the route's scope, the subject limit.
AdmissionState Admission::ask_token_checks(Call& call, const auth::VerifiedToken& token) {
  RequestState& request = call.state;
  AdmissionProgress& progress = request.admission;
  request.principal.assign(token);
  const std::string_view scope = route_info(call.route).token_scope();
  progress.query.jti = request.principal.jti;
  progress.subject_limited =
      progress.limited && (scope.empty() || request.principal.has_scope(scope));
  if (progress.subject_limited) {
    // Namespaced (api/subject_key.h): client "alice" does not share user alice's limit.
    progress.query.subject = parts_.limits->query(
        call.route, LimitedBy::subject,
        subject_identity(request.principal, progress.subject_scratch), progress.subject_key);
    progress.subject_plan = subject_plan(call);
    if (progress.subject_plan != nullptr) use_plan(progress);
  }
  progress.stage = Stage::token;
  return AdmissionState::awaiting_store;
}

// Each decision of the step reported in the order of the separate checks: nothing about the
// token is recorded or answered when the address was refused.
AdmissionState Admission::finish_token_checks(Call& call,
                                              const ratelimit::AdmissionResults& results) {
  RequestState& request = call.state;
  AdmissionProgress& progress = request.admission;
  if (progress.query.address.has_value() &&
      !report_limit(call, LimitedBy::address, results.address)) {
    return AdmissionState::refused;
  }
  const ratelimit::Listing listing = results.listing.value_or(ratelimit::Listing::unknown);
  const std::string_view scope = route_info(call.route).token_scope();
  if (!report_auth(call, parts_.access->judge(request.principal, listing, scope))) {
    return AdmissionState::refused;
  }
  request.authenticated = true;
  call.principal = &request.principal;
  if (!progress.subject_limited) return AdmissionState::admitted;
  if (!results.subject.has_value()) {
    // The store skipped the subject (an unreadable deny-list it does not accept, which judge()
    // accepted): the subject limit alone, as a step of its own.
    progress.query.address.reset();
    progress.query.jti.reset();
    progress.stage = Stage::subject;
    return AdmissionState::awaiting_store;
  }
  return report_limit(call, LimitedBy::subject, results.subject, progress.subject_plan)
             ? AdmissionState::admitted
             : AdmissionState::refused;
}

// The plan the users file gives the caller, if any: a map lookup, and only when the file
// defines plans. The worker prepares the plans' policies once per identity generation.
const PlanPolicy* Admission::subject_plan(Call& call) {
  WorkerState& worker = call.worker;
  AdmissionProgress& progress = call.state.admission;
  progress.plans.reset();
  if (!worker.identities || worker.identities->plans().empty()) return nullptr;
  const Principal& caller = call.state.principal;
  const auto local = auth::find_local_principal(*worker.identities, caller.kind, caller.subject);
  if (!local || local->terms->plan.empty()) return nullptr;
  if (!worker.plan_policies || worker.plan_policies->generation() != worker.identity_generation) {
    worker.plan_policies =
        parts_.limits->prepare_plans(*worker.identities, worker.identity_generation);
  }
  progress.plans = worker.plan_policies;
  return progress.plans->find(local->terms->plan, route_info(call.route).limit);
}

// The plan's policy counts, under a key of its own: a principal moved to a faster plan is not
// held back by the slower plan's count (its key holds a time up to (burst + 1) slow intervals
// ahead). The same policy travels with the store command (the Redis script takes the rate and
// burst as arguments), so a plan costs no extra round trip.
void Admission::use_plan(AdmissionProgress& progress) {
  const ratelimit::Policy& policy = progress.subject_plan->policy;
  progress.subject_key.append(":plan:").append(progress.subject_plan->plan);
  progress.query.subject = ratelimit::LimitQuery{progress.subject_key, &policy};
}

bool Admission::report_limit(Call& call, LimitedBy by,
                             const std::optional<ratelimit::Decision>& decision,
                             const PlanPolicy* plan) {
  return parts_.limits->report(call.route, by, decision.value_or(kMissingDecision),
                               call.state.admission.store_seconds, call.worker, call.response,
                               plan) == LimitVerdict::allowed;
}

// Records a denial (metrics, audit line) and answers it; true when the request may proceed.
bool Admission::report_auth(Call& call, const boost::system::result<void, AuthDenial>& verdict) {
  if (verdict) return true;
  const AuthDenial& denial = verdict.error();
  call.worker.metrics.auth_failure(denial.reason);
  if (denial.kind != AuthDenial::Kind::missing_token) {
    std::string line;
    LogLine(line, "warn", "auth.rejected")
        .str("request_id", call.state.request_id)
        .str("reason", denial.reason)
        .str("client", call.state.client_address)
        .end();
    audit_.write(line);
  }
  set_auth_denial(call.response, denial);
  return false;
}

}  // namespace smlapi::api
