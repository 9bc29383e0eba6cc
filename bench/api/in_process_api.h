// The real request path of the service, without sockets (api::testing::InProcessService, the
// fixture the pipeline unit tests use too), set up for the /predict benchmarks: VADER alone
// in the registry, one bearer token of scope "predict", the access log to nowhere unless
// asked for. A regression anywhere on the /predict path shows here as instructions.
#pragma once

#include "api/testing/in_process_service.h"
#include "auth/algorithm.h"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace smlapi::bench {

struct InProcessApiOptions {
  auth::Algorithm algorithm = auth::Algorithm::HS256;  // of the signing key and the token
  bool rate_limits = true;  // in-process store with a limit no benchmark can reach
  bool access_log = false;  // on: JSON lines are formatted and kept in memory
  // A users file naming the token's subject (its authority is checked, stale-authority), and
  // with `plan` a plan it belongs to (the subject limit and headers come from the plan).
  enum class UsersFile { none, plain, plan } users_file = UsersFile::none;
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
  unsigned handle(std::string_view raw) { return service_->handle(raw); }

  // The wire bytes of the last answer.
  const std::string& wire() const { return service_->wire(); }

 private:
  std::filesystem::path users_dir_;  // removed by the destructor
  std::unique_ptr<api::testing::InProcessService> service_;
  std::string token_;
};

// Complete HTTP/1.1 requests as wrk sends them (keep-alive, Host, Content-Type).
std::string healthz_request();
std::string predict_request(std::string_view token, std::string_view text);
std::string batch_request(std::string_view token, std::string_view text, std::size_t count);

// The ~60-byte text of the /predict scenarios (bench/wrk/predict.lua sends the same).
inline constexpr std::string_view kBenchText =
    "The service was quick and the staff were really helpful :)";

}  // namespace smlapi::bench
