// The real request path of the service, without sockets: raw HTTP bytes go
// through http::RequestParser, api::ApiService::handle() (route, limits, bearer
// token, scoring, metrics) and http::write_response(), exactly as a worker
// thread runs them. The parts are wired as src/app/serve_command.cc wires them,
// so a regression anywhere on the /predict path shows here as instructions.
#pragma once

#include "api/api_service.h"
#include "auth/algorithm.h"
#include "http/limits.h"
#include "http/request.h"
#include "http/response.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace smlapi::bench {

struct InProcessApiOptions {
  auth::Algorithm algorithm = auth::Algorithm::HS256;  // of the signing key and the token
  bool rate_limits = true;  // in-process store with a limit no benchmark can reach
  bool access_log = false;  // on: JSON lines go to /dev/null
};

class InProcessApi {
 public:
  explicit InProcessApi(InProcessApiOptions options);
  ~InProcessApi();
  InProcessApi(const InProcessApi&) = delete;
  InProcessApi& operator=(const InProcessApi&) = delete;

  // A valid bearer token (scope "predict", one hour) for the requests below.
  const std::string& token() const { return token_; }

  // Parses `raw` (one complete request), handles it and serialises the answer.
  // Returns the status; throws std::runtime_error when the bytes do not parse.
  unsigned handle(std::string_view raw);

  // The wire bytes of the last answer.
  const std::string& wire() const { return wire_; }

 private:
  class Context;

  http::ServerLimits limits_;
  std::unique_ptr<Context> context_;
  int log_fd_ = -1;
  std::unique_ptr<api::LogSink> log_;
  std::unique_ptr<api::ServiceMetrics> metrics_;
  api::Readiness readiness_;
  std::unique_ptr<api::ApiService> service_;
  std::string token_;
  http::Request request_;
  http::Response response_;
  std::string wire_;
};

// Complete HTTP/1.1 requests as wrk sends them (keep-alive, Host, Content-Type).
std::string healthz_request();
std::string predict_request(std::string_view token, std::string_view text);
std::string batch_request(std::string_view token, std::string_view text, std::size_t count);

// The ~60-byte text of the /predict scenarios (bench/wrk/predict.lua sends the same).
inline constexpr std::string_view kBenchText =
    "The service was quick and the staff were really helpful :)";

}  // namespace smlapi::bench
