// The real request path of the service without sockets, for unit tests and benchmarks: raw
// HTTP bytes go through http::RequestParser, api::ApiService::handle() (route table, limits,
// bearer token, endpoint, metrics, access log) and http::write_response(), exactly as a worker
// thread runs them, with the parts wired as src/app/serve_command.cc wires them (in-process
// rate-limit store and deny-list, a registry of the given models, token and OIP endpoints).
#pragma once

#include "api/api_service.h"
#include "api/clock.h"
#include "api/rate_limit_gate.h"
#include "api/token_endpoints.h"
#include "auth/algorithm.h"
#include "auth/token_issuer.h"
#include "http/limits.h"
#include "http/request.h"
#include "http/response.h"
#include "model/model_registry.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smlapi::api::testing {

struct InProcessOptions {
  auth::Algorithm algorithm = auth::Algorithm::HS256;  // of the signing key and the tokens
  bool rate_limits = true;                             // on: the in-process store with `policies`
  // Unset: limits no test or bench reaches (the limiter does all its work, never answers 429).
  std::optional<RateLimitPolicies> policies;
  std::shared_ptr<const Clock> clock = std::make_shared<SystemClock>();  // tests may drive time
  bool access_log = false;  // on: JSON lines are kept (log_lines())
  std::vector<std::string> cors_origins;
  // Set: served as --users-file is (tokens' authority checked against it, its plans applied).
  std::filesystem::path users_file;
};

class InProcessService {
 public:
  InProcessService(std::shared_ptr<const model::ModelRegistry> models, InProcessOptions options);
  ~InProcessService();
  InProcessService(const InProcessService&) = delete;
  InProcessService& operator=(const InProcessService&) = delete;

  // A valid bearer token of `subject` with `scopes`, for an hour.
  std::string token(std::string_view subject, const std::vector<std::string>& scopes) const;

  // Parses `raw` (one complete request), handles it and serialises the answer. Returns the
  // status; throws std::runtime_error when the bytes do not parse or the answer is deferred.
  unsigned handle(std::string_view raw);

  const http::Response& response() const { return response_; }
  const std::string& wire() const { return wire_; }  // the last answer's bytes
  std::string scrape() const { return metrics_->scrape(ServiceMetrics::Audience::admin); }
  // Every log line written so far (access log when enabled, audit lines always).
  std::vector<std::string> log_lines();

 private:
  class Context;

  http::ServerLimits limits_;
  std::unique_ptr<Context> context_;
  int log_fd_ = -1;
  std::unique_ptr<LogSink> log_;
  std::unique_ptr<ServiceMetrics> metrics_;
  Readiness readiness_;
  std::unique_ptr<auth::TokenIssuer> issuer_;
  std::shared_ptr<const Clock> clock_;
  std::unique_ptr<ApiService> service_;
  http::Request request_;
  http::Response response_;
  std::string wire_;
};

// Complete HTTP/1.1 requests as wrk and clients send them (keep-alive, Host, Content-Type).
std::string get_request(std::string_view target, std::string_view token = {});
std::string post_json(std::string_view target, std::string_view token, std::string_view body);
std::string post_form(std::string_view target, std::string_view token, std::string_view body);

}  // namespace smlapi::api::testing
