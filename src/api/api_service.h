// The application behind the HTTP server: per request it assigns a request id,
// matches the route, applies CORS, the rate limits, authentication and scopes,
// calls the endpoint, then records metrics and the access log. The order puts
// the cheapest refusals first, so a flood costs almost nothing.
#pragma once

#include "api/access_control.h"
#include "api/cached_token_limiter.h"
#include "api/call.h"
#include "api/input_limits.h"
#include "api/log.h"
#include "api/predict_endpoint.h"
#include "api/readiness.h"
#include "api/request_limiter.h"
#include "api/service_metrics.h"
#include "api/worker_state.h"
#include "http/handler.h"
#include "net/trusted_proxies.h"

#include <chrono>
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
};

// What the wiring hands the service; optional parts may be null.
struct ApiParts {
  std::shared_ptr<const model::ModelRegistry> models;  // required
  std::shared_ptr<AccessControl> access;               // required for protected routes
  std::shared_ptr<TokenEndpoints> tokens;              // /token, /token/revoke, jwks
  std::shared_ptr<InferenceEndpoints> inference;       // Open Inference Protocol
  // null: limits off. When it is also a CachedTokenLimiter that combines_checks() (Redis), a
  // cached token's limits and revocation are checked in one store step.
  std::shared_ptr<RequestLimiter> limiter;
};

// A snapshot of what the access log and metrics need, for answers completed later.
struct RequestRecord {
  Route route;
  MethodLabel method;
  std::string request_id;
  std::string client;
  std::string user;
  std::string origin;
  std::size_t bytes_in;
  std::chrono::steady_clock::time_point started;
};

class ApiService final : public http::Handler {
 public:
  ApiService(ApiConfig config, ApiParts parts, unsigned workers, ServiceMetrics& metrics,
             Readiness& readiness, LogSink& log);
  ~ApiService() override;

  http::Outcome handle(const http::Request& request, http::Response& response,
                       http::RequestContext& context) override;
  void refused(unsigned worker_index, http::RefusalKind kind, const http::Request& request,
               http::Response& response) override;
  void tick(unsigned worker_index) override;
  void connection_opened(unsigned worker_index) override;
  void tls_handshake_failed(unsigned worker_index, http::TlsHandshakeFailure why) override;
  void connection_closed(unsigned worker_index) override;

  // Completes a deferred answer from any thread: headers, metrics, access log.
  void complete(const RequestRecord& record, http::Response& response);
  WorkerMetrics& background_metrics() { return metrics_.background(); }

 private:
  void resolve_client(const http::Request& request, WorkerState& worker) const;
  Route resolve_route(Call& call) const;
  void route_request(Call& call);
  void dispatch(Call& call, Endpoint endpoint);
  bool apply_limits(Call& call, LimitedBy by, std::string_view identity);
  bool authorize(Call& call, Principal& principal, std::string_view scope);
  bool admit_cached_token(Call& call, std::string_view address, std::string_view scope,
                          const auth::VerifiedToken& verified);
  bool admit_new_token(Call& call, std::string_view scope);
  bool finish_token_checks(Call& call, std::string_view scope, const auth::VerifiedToken& verified,
                           const CachedTokenChecks& checks);
  bool report_auth(Call& call, const boost::system::result<void, AuthDenial>& result);
  void answer_options(Call& call);
  void add_cors_headers(std::string_view origin, http::Response& response) const;
  bool origin_allowed(std::string_view origin) const;
  void finish(Call& call, std::chrono::steady_clock::time_point started);
  ApiConfig config_;
  ApiParts parts_;
  PredictEndpoints predict_;
  ServiceMetrics& metrics_;
  Readiness& readiness_;
  LogSink& log_;
  std::vector<std::unique_ptr<WorkerState>> workers_;
  std::mutex background_mutex_;
  CachedTokenLimiter* cached_token_limiter_ = nullptr;  // parts_.limiter, when it combines checks
};

}  // namespace smlapi::api
