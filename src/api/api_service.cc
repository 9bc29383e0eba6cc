#include "api/api_service.h"

#include "api/errors.h"
#include "api/health_endpoint.h"
#include "api/inference_endpoints.h"
#include "api/kept_fields.h"
#include "api/request_tracing.h"
#include "api/static_assets.h"
#include "api/token_endpoints.h"
#include "net/client_address.h"
#include "net/ip_address.h"

#include <openssl/rand.h>

#include <chrono>

namespace smlapi::api {

namespace bhttp = boost::beast::http;

namespace {

// Ids must be unique across replicas and restarts, not secret: one seed from the system's
// random source per worker generator.
std::array<std::uint64_t, 4> trace_id_seed() {
  std::array<std::uint64_t, 4> seed{};
  if (RAND_bytes(reinterpret_cast<unsigned char*>(seed.data()), sizeof seed) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return seed;
}

bool method_allowed(Route route, bhttp::verb method) {
  const RouteInfo& info = route_info(route);
  if (method == bhttp::verb::get || method == bhttp::verb::head) return info.allows_get;
  if (method == bhttp::verb::post) return info.allows_post;
  return false;
}

}  // namespace

ApiService::ApiService(ApiConfig config, ApiParts parts, unsigned workers, ServiceMetrics& metrics,
                       Readiness& readiness, LogSink& log)
    : config_(std::move(config)),
      parts_(std::move(parts)),
      admission_(AdmissionParts{parts_.access, parts_.limits, parts_.admission_store, parts_.clock},
                 log),
      predict_(config_.input),
      metrics_(metrics),
      readiness_(readiness),
      log_(log),
      docs_(config_.root_path),
      asynchronous_store_(parts_.admission_store->asynchronous()),
      pending_(workers) {
  std::vector<std::string_view> families;
  const auto registry = parts_.models->current();  // reloads keep the families, not the versions
  for (const model::Family& family : registry->families()) families.push_back(family.name);
  metrics_.declare_models(families);
  for (unsigned i = 0; i < workers; ++i) {
    auto state = std::make_unique<WorkerState>(i, *parts_.models, log_, config_.access_log,
                                               metrics_.worker(i));
    if (parts_.access) parts_.access->attach(*state);
    workers_.push_back(std::move(state));
    trace_ids_.emplace_back(trace_id_seed());
    trace_clocks_.emplace_back();
  }
  tracer_.root_sample_ratio = config_.trace_sample_ratio;
}

void ApiService::export_spans_to(std::shared_ptr<tracing::SpanSink> sink) {
  spans_ = std::move(sink);
  tracer_.export_spans = spans_ != nullptr;
}

ApiService::~ApiService() {
  for (auto& worker : workers_) worker->log.flush();
}

std::span<const std::string_view> ApiService::kept_fields() const { return kKeptFieldNames; }

http::Outcome ApiService::handle(const http::Request& request, http::Response& response,
                                 http::RequestContext& context) {
  const unsigned index = context.worker_index();
  WorkerState& worker = *workers_[index];
  // Between requests: one request is answered entirely with the registry taken here.
  worker.follow_models(*parts_.models);
  PendingRequest* pending = asynchronous_store_ ? &pending_[index].take(*this, index) : nullptr;
  RequestState& state = pending != nullptr ? pending->state : worker.request;
  worker.metrics.in_flight().Increment();
  Call call = begin_call(request, response, context, worker, state);
  route_request(call, pending);
  worker.metrics.in_flight().Decrement();
  if (!call.deferred) finish(call);
  if (pending != nullptr) pending_[index].drop(*pending);
  // Deferred: answered later, through complete() or when the store step is answered.
  return call.deferred ? http::Outcome::deferred : http::Outcome::done;
}

// "Expect: 100-continue": the whole admission — route, method, token, scope, the rate limits
// and the deny-list — is decided before the client uploads its body, waiting for the store when
// it is asynchronous; a refusal is answered, counted and logged like any request, and an
// admitted request is not counted again when its body has come (Request::admitted).
http::Outcome ApiService::before_body(const http::Request& head, http::Response& response,
                                      http::RequestContext& context) {
  const unsigned index = context.worker_index();
  WorkerState& worker = *workers_[index];
  PendingRequest* pending = asynchronous_store_ ? &pending_[index].take(*this, index) : nullptr;
  RequestState& state = pending != nullptr ? pending->state : worker.request;
  state.principal = Principal{};
  Call call = begin_call(head, response, context, worker, state);
  AdmissionState verdict = AdmissionState::refused;
  if (head.method == bhttp::verb::options) {
    verdict = AdmissionState::admitted;
  } else if (route_allowed(call)) {
    if (pending != nullptr) {
      pending->before_body = true;
      await_for(call, *pending);
      verdict = admission_.start(call);
    } else {
      verdict = admission_.admit(call) ? AdmissionState::admitted : AdmissionState::refused;
    }
  }
  if (verdict == AdmissionState::awaiting_store) {
    await_store(call, *pending);
  } else if (verdict == AdmissionState::admitted) {
    response.status = 100;
  } else {
    finish(call);
  }
  if (pending != nullptr) pending_[index].drop(*pending);
  return call.deferred ? http::Outcome::deferred : http::Outcome::done;
}

// The store answered a head-only admission: 100 (the headers admission set go with the final
// answer) or the refusal, through the deferred reply.
void ApiService::answer_before_body(Call& call, PendingRequest& pending, AdmissionState state) {
  if (state == AdmissionState::awaiting_store) return await_store(call, pending);
  if (state == AdmissionState::admitted) {
    pending.response.status = 100;
  } else {
    finish(call);
  }
  http::DeferredReply reply = std::move(*pending.reply);
  reply.send(std::move(pending.response));
}

// A request's id, client address and route: what every answer to it needs.
Call ApiService::begin_call(const http::Request& request, http::Response& response,
                            http::RequestContext& context, WorkerState& worker,
                            RequestState& state) {
  worker.assign_request_id(kept_field(request, KeptField::request_id), state.request_id);
  tracing::begin_request_trace(kept_field(request, KeptField::traceparent),
                               kept_field(request, KeptField::tracestate), tracer_,
                               trace_ids_[worker.index], state.trace);
  start_trace_clock(state.trace, trace_clocks_[worker.index]);  // unrecorded: no clock read
  resolve_client(request, state);
  Call call{request,
            response,
            context,
            worker,
            state,
            *this,
            parts_.clock->steady(),
            Route::not_found,
            nullptr,
            {},
            {},
            state.client_address,
            false};
  call.route = resolve_route(call);
  return call;
}

// The address limits and audit logs attribute a request to: the TCP peer,
// unless the peer is a trusted proxy (then its forwarding header decides).
void ApiService::resolve_client(const http::Request& request, RequestState& state) const {
  if (config_.trusted_proxies.empty()) {
    state.client_address.assign(request.peer_address);
    return;
  }
  auto peer = net::parse_ip(request.peer_address);
  if (!peer) {
    state.client_address.assign(request.peer_address);
    return;
  }
  std::string_view xff[1] = {request.x_forwarded_for};
  std::string_view forwarded[1] = {request.forwarded};
  std::span<const std::string_view> xff_values(xff, request.x_forwarded_for.empty() ? 0 : 1);
  std::span<const std::string_view> forwarded_values(forwarded, request.forwarded.empty() ? 0 : 1);
  state.client_address =
      net::client_address(*peer, xff_values, forwarded_values, config_.trusted_proxies).to_string();
}

Route ApiService::resolve_route(Call& call) const {
  Route route = match_static_route(call.request.path());
  // With an admin listener, /metrics lives there only (AdminService).
  if (route == Route::metrics && !config_.public_metrics) return Route::not_found;
  if (route == Route::not_found && parts_.inference) {
    route = parts_.inference->match(call);
  }
  return route;
}

bool ApiService::route_allowed(Call& call) {
  if (call.route == Route::not_found) {
    set_error(call.response, ApiError::not_found, "Not Found");
    return false;
  }
  if (!method_allowed(call.route, call.request.method)) {
    set_error(call.response, ApiError::method_not_allowed, "Method Not Allowed");
    call.response.add_header("Allow", allow_header(call.route));
    return false;
  }
  return true;
}

// What a pending request needs to resume on its worker.
void ApiService::await_for(Call& call, PendingRequest& pending) {
  pending.request = &call.request;
  pending.context = &call.context;
  pending.route = call.route;
  pending.model_name = call.model_name;
  pending.model_version = call.model_version;
  pending.started = call.started;
}

void ApiService::route_request(Call& call, PendingRequest* pending) {
  const http::Request& request = call.request;
  if (request.method == bhttp::verb::options) return answer_options(call);
  if (!route_allowed(call)) return;
  if (request.admitted) {
    // Admitted on its head (before_body): counted and checked against the deny-list then. The
    // token is read again for the principal (from the worker's cache), without a store step.
    if (admission_.precheck(call)) dispatch(call, route_info(call.route).endpoint);
    return;
  }
  if (pending != nullptr) {
    await_for(call, *pending);
    pending->before_body = false;
    open_span(call.state.trace, tracing::names::kAdmission);
    return after_admission_step(call, admission_.start(call), *pending);
  }
  ChildSpan admission(call.state.trace, tracing::names::kAdmission);
  if (!admission_.admit(call)) return;
  admission.end();
  dispatch(call, route_info(call.route).endpoint);
}

// With an asynchronous store: wait for the step the admission asked for, or answer.
void ApiService::after_admission_step(Call& call, AdmissionState state, PendingRequest& pending) {
  if (state != AdmissionState::awaiting_store)
    close_span(call.state.trace, tracing::names::kAdmission);
  if (state == AdmissionState::awaiting_store) return await_store(call, pending);
  if (state == AdmissionState::admitted) dispatch(call, route_info(call.route).endpoint);
}

void ApiService::await_store(Call& call, PendingRequest& pending) {
  if (!pending.reply.has_value()) {
    // The first wait: from here on the answer is the request's own, sent when it is complete.
    pending.response = std::move(call.response);
    pending.reply.emplace(call.context.defer());
    call.deferred = true;
  }
  pending_[pending.worker].hold(pending);
  open_span(pending.state.trace, tracing::names::kAdmissionStore);
  pending.asked = parts_.clock->steady();
  parts_.admission_store->run_async(pending.worker, pending);
}

// The request as its endpoint sees it, on the worker that started it.
Call ApiService::resumed_call(PendingRequest& pending) {
  WorkerState& worker = *workers_[pending.worker];
  return Call{*pending.request,
              pending.response,
              *pending.context,
              worker,
              pending.state,
              *this,
              pending.started,
              pending.route,
              nullptr,
              pending.model_name,
              pending.model_version,
              pending.state.client_address,
              false};
}

void ApiService::continue_admission(PendingRequest& pending,
                                    const ratelimit::AdmissionResults& results) {
  Call call = resumed_call(pending);
  // The asynchronous store is Redis': one pipelined round trip.
  if (auto* store = close_span(pending.state.trace, tracing::names::kAdmissionStore)) {
    store->add(tracing::names::kDbSystem, "redis");
  }
  pending.state.admission.store_seconds =
      std::chrono::duration<double>(parts_.clock->steady() - pending.asked).count();
  const AdmissionState state = admission_.resume(call, results);
  if (pending.before_body) {
    answer_before_body(call, pending, state);
    pending_[pending.worker].drop(pending);
    return;
  }
  after_admission_step(call, state, pending);
  if (state != AdmissionState::awaiting_store) {
    if (!call.deferred) {  // else the endpoint took the answer over (deferred_answer.h)
      finish(call);
      http::DeferredReply reply = std::move(*pending.reply);
      reply.send(std::move(pending.response));
    }
  }
  pending_[pending.worker].drop(pending);
}

void ApiService::dispatch(Call& call, Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::health:
      return call.route == Route::readyz ? answer_readiness(call, readiness_)
                                         : answer_liveness(call);
    case Endpoint::metrics:
      call.response.content_type = "text/plain; version=0.0.4; charset=utf-8";
      call.response.body = metrics_.scrape(ServiceMetrics::Audience::public_port);
      return;
    case Endpoint::docs:
      return call.route == Route::openapi ? docs_.answer_openapi(call) : docs_.answer_docs(call);
    case Endpoint::prediction:
      return call.route == Route::predict_batch ? predict_.predict_batch(call)
                                                : predict_.predict(call);
    case Endpoint::tokens:
      if (parts_.tokens) return parts_.tokens->answer(call);
      break;
    case Endpoint::inference:
      if (parts_.inference) return parts_.inference->answer(call, readiness_);
      break;
    case Endpoint::unrouted:
      break;
  }
  set_error(call.response, ApiError::not_found, "Not Found");
}

bool ApiService::origin_allowed(std::string_view origin) const {
  if (origin.empty()) return false;
  for (const auto& allowed : config_.cors_origins) {
    if (allowed == origin) return true;
  }
  return false;
}

void ApiService::add_cors_headers(std::string_view origin, http::Response& response) const {
  if (config_.cors_origins.empty()) return;
  response.add_header("Vary", "Origin");  // answers differ by Origin: caches must know
  if (!origin_allowed(origin)) return;
  response.add_header("Access-Control-Allow-Origin", origin);
  response.add_header("Access-Control-Expose-Headers",
                      "X-Request-ID, Retry-After, RateLimit, RateLimit-Policy, WWW-Authenticate, "
                      "traceresponse");
}

// CORS preflight for configured origins; otherwise a plain answer with Allow.
void ApiService::answer_options(Call& call) {
  call.response.status = 204;
  Route route = call.route;
  if (route != Route::not_found)
    call.response.add_header("Allow", std::string(allow_header(route)) + ", OPTIONS");
  if (origin_allowed(call.request.origin) && !call.request.access_control_request_method.empty()) {
    call.response.add_header("Access-Control-Allow-Methods", "GET, POST");
    call.response.add_header("Access-Control-Allow-Headers",
                             "Authorization, Content-Type, X-Request-ID");
    call.response.add_header("Access-Control-Max-Age", "600");
  }
}

namespace {

// What the metrics and the access log need of one answered request.
struct AccessRecord {
  Route route;
  MethodLabel method;
  std::string_view request_id;
  std::string_view client;
  std::string_view user;  // empty when unauthenticated
  std::size_t bytes_in;
  ratelimit::TimePoint started;
  const tracing::RequestTrace& trace;
};

// Records the request's metrics and, when `log` is given, appends its access-log line.
void record_request(WorkerMetrics& metrics, std::string* log, const AccessRecord& record,
                    ratelimit::TimePoint now, const http::Response& response) {
  double seconds = std::chrono::duration<double>(now - record.started).count();
  metrics.observe_request(record.route, record.method, response.status, seconds, record.bytes_in,
                          response.body.size());
  if (response.status >= 400) metrics.error(kind_of_status(response.status));
  if (log == nullptr) return;
  LogLine line(*log, "info", "access");
  line.str("request_id", record.request_id)
      .str("method", to_string(record.method))
      .str("route", route_info(record.route).template_path)
      .num("status", response.status)
      .dbl("duration_ms", seconds * 1000.0)
      .num("bytes_in", static_cast<long long>(record.bytes_in))
      .num("bytes_out", static_cast<long long>(response.body.size()))
      .str("client", record.client);
  if (!record.user.empty()) line.str("user", record.user);
  const TraceIdsText ids(record.trace);
  line.str("trace_id", ids.trace()).str("span_id", ids.span());
  line.end();
}

// The trace this answer belongs to, for the caller (W3C Trace Context Level 2's traceresponse).
void add_traceresponse(const tracing::RequestTrace& trace, http::Response& response) {
  char text[tracing::kTraceParentLength];
  trace.format_traceresponse(text);
  response.add_header("traceresponse", std::string_view(text, sizeof text));
}

}  // namespace

void ApiService::finish(Call& call) {
  http::Response& response = call.response;
  WorkerState& worker = call.worker;
  response.add_header("X-Request-ID", call.state.request_id);
  add_traceresponse(call.state.trace, response);
  submit_request_spans(
      spans_.get(), worker.index, call.state.trace,
      {to_string(method_label(call.request.method)),
       call.route == Route::not_found ? std::string_view() : route_info(call.route).template_path,
       call.request.path(), call.client_address, response.status});
  add_cors_headers(call.request.origin, response);
  AccessRecord record{
      call.route,
      method_label(call.request.method),
      call.state.request_id,
      call.client_address,
      call.principal != nullptr ? std::string_view(call.principal->subject) : std::string_view(),
      call.request.body.size(),
      call.started,
      call.state.trace};
  record_request(worker.metrics, worker.log.enabled() ? &worker.log.buffer() : nullptr, record,
                 parts_.clock->steady(), response);
  if (worker.log.enabled()) worker.log.line_done();
}

void ApiService::complete(const RequestRecord& snapshot, http::Response& response) {
  response.add_header("X-Request-ID", snapshot.request_id);
  add_traceresponse(snapshot.trace, response);
  submit_request_spans(spans_.get(), tracing::SpanSink::kBackgroundThread, snapshot.trace,
                       {to_string(snapshot.method), route_info(snapshot.route).template_path,
                        snapshot.path, snapshot.client, response.status});
  add_cors_headers(snapshot.origin, response);
  AccessRecord record{snapshot.route, snapshot.method,   snapshot.request_id, snapshot.client,
                      snapshot.user,  snapshot.bytes_in, snapshot.started,    snapshot.trace};
  std::string line;
  {
    // Several pool threads complete at once; the background metrics' series
    // caches are not thread-safe (the workers' ones are single-threaded).
    std::lock_guard lock(background_mutex_);
    record_request(metrics_.background(), config_.access_log ? &line : nullptr, record,
                   parts_.clock->steady(), response);
  }
  if (!line.empty()) log_.write(line);
}

void ApiService::count(const std::function<void(WorkerMetrics&)>& record) {
  std::lock_guard lock(background_mutex_);
  record(metrics_.background());
}

void ApiService::refused(unsigned worker_index, http::RefusalKind kind,
                         const http::Request& request, http::Response& response) {
  WorkerState& worker = *workers_[worker_index];
  ApiError error = ApiError::bad_request;
  std::string_view detail = "Malformed HTTP request";
  switch (kind) {
    case http::RefusalKind::bad_request:
      break;
    case http::RefusalKind::header_too_large:
      error = ApiError::header_too_large;
      detail = "Request header fields too large";
      break;
    case http::RefusalKind::target_too_long:
      error = ApiError::uri_too_long;
      detail = "Request target too long";
      break;
    case http::RefusalKind::length_required:
      error = ApiError::length_required;
      detail = "Content-Length required (chunked request bodies are not accepted)";
      break;
    case http::RefusalKind::body_too_large:
      error = ApiError::payload_too_large;
      detail = "Request body too large";
      break;
    case http::RefusalKind::timeout:
      error = ApiError::request_timeout;
      detail = "Request not received in time";
      break;
    case http::RefusalKind::too_many_connections:
      worker.metrics.shed("connections");
      return;
    case http::RefusalKind::too_many_client_connections:
      worker.metrics.shed("client_connections");
      return;
    case http::RefusalKind::out_of_descriptors:
      worker.metrics.shed("descriptors");
      return;
  }
  // Answered like any request (request id, CORS), counted, and logged within a bound: a
  // refusal is often the first sign of a scanner or a broken client.
  RequestState& state = worker.request;  // free: refusals never happen inside handle()
  worker.assign_request_id(kept_field(request, KeptField::request_id), state.request_id);
  resolve_client(request, state);
  set_error(response, error, detail);
  response.add_header("X-Request-ID", state.request_id);
  add_cors_headers(request.origin, response);
  worker.metrics.error(kind_of(error));
  worker.metrics.observe_request(Route::not_found, method_label(request.method), response.status,
                                 0.0, request.body.size(), response.body.size());
  log_refusal(state, response.status, kind_of(error));
}

void ApiService::log_refusal(const RequestState& state, unsigned status, std::string_view reason) {
  auto unlogged = refusal_log_.admit(state.client_address, parts_.clock->steady());
  if (!unlogged) return;
  std::string line;
  LogLine(line, "warn", "http.refused")
      .str("request_id", state.request_id)
      .num("status", status)
      .str("reason", reason)
      .str("client", state.client_address)
      .num("unlogged_before", static_cast<long long>(*unlogged))
      .end();
  log_.write(line);
}

void ApiService::tick(unsigned worker_index) { workers_[worker_index]->log.flush(); }

void ApiService::connection_opened(unsigned worker_index) {
  workers_[worker_index]->metrics.connections().Increment();
}

void ApiService::connection_closed(unsigned worker_index) {
  workers_[worker_index]->metrics.connections().Decrement();
}

void ApiService::worker_started(unsigned worker_index, boost::asio::io_context& io) {
  if (parts_.worker_started) parts_.worker_started(worker_index, io);
}

void ApiService::worker_stopping(unsigned worker_index) {
  if (parts_.worker_stopping) parts_.worker_stopping(worker_index);
}

void ApiService::tls_handshake_failed(unsigned worker_index, http::TlsHandshakeFailure why) {
  std::string_view reason = "rejected";
  if (why == http::TlsHandshakeFailure::timed_out) reason = "timed_out";
  if (why == http::TlsHandshakeFailure::peer_closed) reason = "peer_closed";
  workers_[worker_index]->metrics.tls_handshake_failure(reason);
}

}  // namespace smlapi::api
