#include "in_process_api.h"

#include "api/rate_limit_gate.h"
#include "auth/key_set.h"
#include "auth/memory_revocation_store.h"
#include "auth/token_issuer.h"
#include "http/request_parser.h"
#include "http/response_writer.h"
#include "ratelimit/memory_store.h"
#include "vader/model.h"

#include <boost/asio/buffer.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <stdexcept>

namespace smlapi::bench {

namespace {

constexpr std::string_view kIssuer = "secure-ml-api";  // the serve defaults
constexpr std::string_view kAudience = "secure-ml-api";
constexpr std::string_view kPeer = "127.0.0.1";

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

template <typename Result>
auto value_or_throw(Result&& result, std::string_view what) {
  if (!result) throw std::runtime_error(std::string(what));
  return std::move(*result);
}

// The limit bench/run.sh gives the server (100000000/1s+1000000000): far above
// anything a benchmark sends, so the limiter does all its work (key, store
// look-up, RateLimit headers) but never answers 429.
api::RateLimitPolicies unreachable_policies() {
  using std::chrono::seconds;
  constexpr std::uint32_t kLimit = 100'000'000;
  constexpr std::uint32_t kBurst = 1'000'000'000;
  return {{"default", kLimit, seconds(1), kBurst},
          {"token", kLimit, seconds(1), kBurst},
          {"predict", kLimit, seconds(1), kBurst}};
}

std::string json_string(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string post(std::string_view target, std::string_view token, std::string_view body) {
  std::string raw = "POST ";
  raw.append(target);
  raw.append(" HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nAuthorization: Bearer ");
  raw.append(token);
  raw.append("\r\nContent-Type: application/json\r\nContent-Length: ");
  raw.append(std::to_string(body.size()));
  raw.append("\r\n\r\n");
  raw.append(body);
  return raw;
}

}  // namespace

// A worker thread's identity; no /predict path defers its answer.
class InProcessApi::Context final : public http::RequestContext {
 public:
  unsigned worker_index() const override { return 0; }
  http::DeferredReply defer() override {
    std::cerr << "in_process_api: a benchmarked route deferred its answer\n";
    std::abort();
  }
};

InProcessApi::InProcessApi(InProcessApiOptions options) : context_(std::make_unique<Context>()) {
  log_fd_ = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  log_ = std::make_unique<api::LogSink>(log_fd_);
  metrics_ = std::make_unique<api::ServiceMetrics>(1, api::BuildInfo{"bench", "bench"});

  auto key = value_or_throw(auth::SigningKey::generate(options.algorithm, "bench"),
                            "cannot generate the signing key");
  auto keys = std::make_shared<const auth::KeySet>(
      value_or_throw(auth::KeySet::create({}, key), "cannot build the key set"));
  auto issuer = value_or_throw(
      auth::TokenIssuer::create({std::string(kIssuer), std::string(kAudience), 3600}, key),
      "cannot create the token issuer");
  token_ = issuer.issue("bench-user", "bench-client", {"predict"}, unix_now()).access_token;

  auth::VerifierConfig verifier{std::string(kIssuer), std::string(kAudience),
                                auth::kDefaultLeewaySeconds, auth::kDefaultMaxTokenBytes};
  auto access = std::make_shared<api::AccessControl>(
      keys, verifier, std::make_shared<auth::MemoryRevocationStore>());
  auto store = std::make_shared<ratelimit::MemoryStore>();
  auto gate = std::make_shared<api::RateLimitGate>(store, "memory", unreachable_policies(),
                                                   options.rate_limits);

  api::ApiConfig config;
  config.access_log = options.access_log;
  api::ApiParts parts{vader::Model::builtin(), access, nullptr, nullptr,
                      std::static_pointer_cast<api::RequestLimiter>(gate)};
  service_ = std::make_unique<api::ApiService>(std::move(config), std::move(parts), 1, *metrics_,
                                               readiness_, *log_);
  readiness_.set_model_loaded(true);
}

InProcessApi::~InProcessApi() {
  service_.reset();  // flushes its log buffer into log_ first
  log_.reset();
  if (log_fd_ >= 0) ::close(log_fd_);
}

unsigned InProcessApi::handle(std::string_view raw) {
  request_.clear();
  response_.clear();
  http::RequestParser parser(request_, limits_);  // one per request, as a connection does
  boost::system::error_code ec;
  parser.put(boost::asio::const_buffer(raw.data(), raw.size()), ec);
  if (ec || !parser.is_done()) throw std::runtime_error("benchmark request does not parse");
  request_.peer_address = kPeer;
  if (service_->handle(request_, response_, *context_) != http::Outcome::done) {
    throw std::runtime_error("benchmark request was deferred");
  }
  wire_.clear();
  http::ResponseContext reply{.request_id = {}, .keep_alive = request_.keep_alive};
  http::write_response(response_, reply, wire_);
  return response_.status;
}

std::string healthz_request() { return "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n"; }

std::string predict_request(std::string_view token, std::string_view text) {
  return post("/predict", token, "{\"text\":" + json_string(text) + "}");
}

std::string batch_request(std::string_view token, std::string_view text, std::size_t count) {
  std::string body = "{\"texts\":[";
  std::string quoted = json_string(text);
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) body += ',';
    body += quoted;
  }
  body += "]}";
  return post("/predict/batch", token, body);
}

}  // namespace smlapi::bench
