#include "api/testing/in_process_service.h"

#include "api/credentials_source.h"
#include "api/inference_endpoints.h"
#include "api/local_admission_store.h"
#include "api/rate_limit_gate.h"
#include "auth/key_set.h"
#include "auth/memory_revocation_store.h"
#include "http/request_parser.h"
#include "http/response_writer.h"
#include "ratelimit/memory_store.h"

#include <boost/asio/buffer.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace smlapi::api::testing {

namespace {

constexpr std::string_view kIssuer = "secure-ml-api";  // the serve defaults
constexpr std::string_view kAudience = "secure-ml-api";
constexpr std::string_view kPeer = "127.0.0.1";

template <typename Result>
auto value_or_throw(Result&& result, std::string_view what) {
  if (!result) throw std::runtime_error(std::string(what));
  return std::move(*result);
}

// Far above anything a test or benchmark sends, so the limiter does all its work (key, store
// look-up, RateLimit headers) but never answers 429.
RateLimitPolicies unreachable_policies() {
  using std::chrono::seconds;
  constexpr std::uint32_t kLimit = 100'000'000;
  constexpr std::uint32_t kBurst = 1'000'000'000;
  return {{"default", kLimit, seconds(1), kBurst},
          {"token", kLimit, seconds(1), kBurst},
          {"predict", kLimit, seconds(1), kBurst}};
}

std::string request(std::string_view method, std::string_view target, std::string_view token,
                    std::string_view content_type, std::string_view body) {
  std::string raw(method);
  raw.append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n");
  if (!token.empty()) raw.append("Authorization: Bearer ").append(token).append("\r\n");
  if (!content_type.empty()) {
    raw.append("Content-Type: ").append(content_type).append("\r\nContent-Length: ");
    raw.append(std::to_string(body.size())).append("\r\n");
  }
  raw.append("\r\n").append(body);
  return raw;
}

}  // namespace

// A worker thread's identity. Only POST /token defers (Argon2id on its pool), and no caller
// of this fixture sends it.
class InProcessService::Context final : public http::RequestContext {
 public:
  unsigned worker_index() const override { return 0; }
  http::DeferredReply defer() override {
    throw std::logic_error("InProcessService: a route deferred its answer");
  }
};

InProcessService::InProcessService(std::shared_ptr<const model::ModelRegistry> models,
                                   InProcessOptions options)
    : context_(std::make_unique<Context>()), clock_(options.clock) {
  log_fd_ = ::memfd_create("in-process-log", MFD_CLOEXEC);
  if (log_fd_ < 0) throw std::runtime_error("memfd_create failed");
  log_ = std::make_unique<LogSink>(log_fd_);
  metrics_ = std::make_unique<ServiceMetrics>(1, BuildInfo{"test", "test"});

  auto key = value_or_throw(auth::SigningKey::generate(options.algorithm, "in-process"),
                            "cannot generate the signing key");
  auto keys = std::make_shared<const auth::KeySet>(
      value_or_throw(auth::KeySet::create({}, key), "cannot build the key set"));
  issuer_ = std::make_unique<auth::TokenIssuer>(value_or_throw(
      auth::TokenIssuer::create({std::string(kIssuer), std::string(kAudience), 3600}, key),
      "cannot create the token issuer"));

  auth::VerifierConfig verifier{std::string(kIssuer), std::string(kAudience),
                                auth::kDefaultLeewaySeconds, auth::kDefaultMaxTokenBytes};
  auto revocations = std::make_shared<auth::MemoryRevocationStore>();
  auto access = std::make_shared<AccessControl>(keys, verifier, revocations);
  auto store = std::make_shared<ratelimit::MemoryStore>();
  auto gate = std::make_shared<RateLimitGate>(store, "memory",
                                              options.policies.value_or(unreachable_policies()),
                                              options.rate_limits, clock_);
  auto credentials = std::make_shared<CredentialsSource>(options.users_file);
  if (!options.users_file.empty()) {
    if (credentials->reload(true).outcome != ReloadResult::Outcome::loaded) {
      throw std::runtime_error("InProcessService: cannot load the users file");
    }
    access->check_authority_against(credentials);
  }
  auto tokens = std::make_shared<TokenEndpoints>(
      TokenEndpointParts{credentials, std::make_shared<const auth::PasswordHasher>(), nullptr,
                         access, gate, 1, clock_},
      *log_);
  auto inference = std::make_shared<InferenceEndpoints>(1, oip::InferLimits{}, "test");

  ApiConfig config;
  config.access_log = options.access_log;
  config.cors_origins = std::move(options.cors_origins);
  ApiParts parts{
      std::make_shared<const ModelsSource>(std::move(models)),   access, tokens, inference, gate,
      std::make_shared<LocalAdmissionStore>(store, revocations), clock_, {},     {}};
  service_ = std::make_unique<ApiService>(std::move(config), std::move(parts), 1, *metrics_,
                                          readiness_, *log_);
  readiness_.set_model_loaded(true);
}

InProcessService::~InProcessService() {
  service_.reset();  // flushes its log buffer into log_ first
  log_.reset();
  if (log_fd_ >= 0) ::close(log_fd_);
}

std::string InProcessService::token(std::string_view subject,
                                    const std::vector<std::string>& scopes) const {
  return issuer_->issue(std::string(subject), "in-process-client", scopes, clock_->unix_seconds())
      .access_token;
}

unsigned InProcessService::handle(std::string_view raw) {
  request_.clear();
  response_.clear();
  // One per request, as a connection does, keeping the fields the service asks for.
  http::RequestParser parser(request_, limits_, service_->kept_fields());
  boost::system::error_code ec;
  parser.put(boost::asio::const_buffer(raw.data(), raw.size()), ec);
  if (ec || !parser.is_done()) throw std::runtime_error("request does not parse");
  request_.peer_address = kPeer;
  if (service_->handle(request_, response_, *context_) != http::Outcome::done) {
    throw std::runtime_error("request was deferred");
  }
  wire_.clear();
  http::ResponseContext reply{.request_id = {}, .keep_alive = request_.keep_alive};
  http::write_response(response_, reply, wire_);
  return response_.status;
}

std::vector<std::string> InProcessService::log_lines() {
  service_->tick(0);  // flush the worker's buffered access-log lines
  std::vector<std::string> lines;
  const off_t size = ::lseek(log_fd_, 0, SEEK_END);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (size > 0 && ::pread(log_fd_, text.data(), text.size(), 0) != size) return lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  return lines;
}

std::string get_request(std::string_view target, std::string_view token) {
  return request("GET", target, token, {}, {});
}

std::string post_json(std::string_view target, std::string_view token, std::string_view body) {
  return request("POST", target, token, "application/json", body);
}

std::string post_form(std::string_view target, std::string_view token, std::string_view body) {
  return request("POST", target, token, "application/x-www-form-urlencoded", body);
}

}  // namespace smlapi::api::testing
