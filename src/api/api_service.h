// The application behind the HTTP server: per request it assigns a request id, resolves the
// client address, matches the route (route table), answers OPTIONS/404/405, runs admission
// (rate limits, bearer token, revocation, scope: api/admission.h), calls the endpoint, then
// adds the request id and CORS headers and records metrics and the access log.
#pragma once

#include "api/access_control.h"
#include "api/admission.h"
#include "api/call.h"
#include "api/clock.h"
#include "api/deferred_answer.h"
#include "api/input_limits.h"
#include "api/log.h"
#include "api/models_source.h"
#include "api/pending_request.h"
#include "api/predict_endpoint.h"
#include "api/rate_limit_gate.h"
#include "api/readiness.h"
#include "api/refusal_log_limiter.h"
#include "api/service_metrics.h"
#include "api/static_assets.h"
#include "api/worker_state.h"
#include "http/handler.h"
#include "net/trusted_proxies.h"
#include "tracing/clock_anchor.h"
#include "tracing/ids.h"
#include "tracing/request_trace.h"

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace smlapi::api {

class TokenEndpoints;
class InferenceEndpoints;

struct ApiConfig {
  InputLimits input;
  std::vector<std::string> cors_origins;  // empty: CORS off
  bool access_log = true;
  net::TrustedProxies trusted_proxies;  // empty: forwarding headers ignored
  std::string root_path;  // the prefix an ingress strips (docs links, OpenAPI servers)
  // False when an admin listener serves /metrics (--admin-port): the public port answers it
  // 404. True (no admin listener, e.g. a local run): the public port serves it redacted
  // (ServiceMetrics::Audience::public_port).
  bool public_metrics = true;
  double trace_sample_ratio = 1.0;  // root traces recorded (with a span sink)
};

// What the wiring hands the service; optional parts may be null.
struct ApiParts {
  std::shared_ptr<const ModelsSource> models;     // required
  std::shared_ptr<AccessControl> access;          // required for protected routes
  std::shared_ptr<TokenEndpoints> tokens;         // /token, /token/revoke, jwks
  std::shared_ptr<InferenceEndpoints> inference;  // Open Inference Protocol
  std::shared_ptr<RateLimitGate> limits;          // null: limits off
  // The shared state admission reads (limits, deny-list): in-process or Redis. Required.
  std::shared_ptr<ratelimit::AdmissionStore> admission_store;
  std::shared_ptr<const Clock> clock = std::make_shared<SystemClock>();
  // Per-worker I/O started and stopped with each worker's event loop (an asynchronous
  // admission store's connections). Optional.
  std::function<void(unsigned worker, boost::asio::io_context& io)> worker_started;
  std::function<void(unsigned worker)> worker_stopping;
};

class ApiService final : public http::Handler,
                         public AnswerCompletion,
                         private AdmissionContinuation {
 public:
  ApiService(ApiConfig config, ApiParts parts, unsigned workers, ServiceMetrics& metrics,
             Readiness& readiness, LogSink& log);
  ~ApiService() override;

  std::span<const std::string_view> kept_fields() const override;
  http::Outcome handle(const http::Request& request, http::Response& response,
                       http::RequestContext& context) override;
  http::Outcome before_body(const http::Request& head, http::Response& response,
                            http::RequestContext& context) override;
  void refused(unsigned worker_index, http::RefusalKind kind, const http::Request& request,
               http::Response& response) override;
  void tick(unsigned worker_index) override;
  void connection_opened(unsigned worker_index) override;
  void tls_handshake_failed(unsigned worker_index, http::TlsHandshakeFailure why) override;
  void connection_closed(unsigned worker_index) override;
  void worker_started(unsigned worker_index, boost::asio::io_context& io) override;
  void worker_stopping(unsigned worker_index) override;

  // Completes a deferred answer from any thread: headers, metrics, access log.
  void complete(const RequestRecord& record, http::Response& response) override;
  void count(const std::function<void(WorkerMetrics&)>& record) override;
  // Sampled requests' spans go to `sink` from now on (before the server starts).
  void export_spans_to(std::shared_ptr<tracing::SpanSink> sink);

 private:
  void resolve_client(const http::Request& request, RequestState& state) const;
  // An "http.refused" line, unless the client's refusals were logged less than a second ago.
  void log_refusal(const RequestState& state, unsigned status, std::string_view reason);
  Call begin_call(const http::Request& request, http::Response& response,
                  http::RequestContext& context, WorkerState& worker, RequestState& state);
  Route resolve_route(Call& call) const;
  void route_request(Call& call, PendingRequest* pending);
  // The request's route and method: false when call.response holds the 404/405.
  bool route_allowed(Call& call);
  void await_for(Call& call, PendingRequest& pending);
  void answer_before_body(Call& call, PendingRequest& pending, AdmissionState state);
  void after_admission_step(Call& call, AdmissionState state, PendingRequest& pending);
  void await_store(Call& call, PendingRequest& pending);
  void continue_admission(PendingRequest& pending,
                          const ratelimit::AdmissionResults& results) override;
  Call resumed_call(PendingRequest& pending);
  void dispatch(Call& call, Endpoint endpoint);
  void answer_options(Call& call);
  void add_cors_headers(std::string_view origin, http::Response& response) const;
  bool origin_allowed(std::string_view origin) const;
  void finish(Call& call);

  ApiConfig config_;
  ApiParts parts_;
  Admission admission_;
  PredictEndpoints predict_;
  ServiceMetrics& metrics_;
  Readiness& readiness_;
  LogSink& log_;
  RefusalLogLimiter refusal_log_;
  DocsSite docs_;  // the docs UI and OpenAPI document under config_.root_path
  std::vector<std::unique_ptr<WorkerState>> workers_;
  // With an asynchronous admission store: each request has its own state, from its worker's
  // pool, so that the worker can answer others while it waits.
  bool asynchronous_store_ = false;
  std::vector<PendingPool> pending_;  // by worker
  std::mutex background_mutex_;       // the background metrics' series caches are not thread-safe
  tracing::TracerConfig tracer_;
  std::vector<tracing::IdGenerator> trace_ids_;     // by worker
  std::vector<tracing::ClockAnchor> trace_clocks_;  // by worker
  std::shared_ptr<tracing::SpanSink> spans_;        // null: nothing exported
};

}  // namespace smlapi::api
