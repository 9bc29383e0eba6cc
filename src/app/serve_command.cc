// `secure-ml-api serve`: the only place where the service is wired together.
#include "api/admin_service.h"
#include "api/api_service.h"
#include "api/credentials_source.h"
#include "api/federated_access.h"
#include "api/identity_source_health.h"
#include "api/inference_endpoints.h"
#include "api/keys_source.h"
#include "api/local_admission_store.h"
#include "api/models_source.h"
#include "api/rate_limit_gate.h"
#include "api/token_endpoints.h"
#include "app/build_info.h"
#include "app/commands.h"
#include "app/descriptor_budget.h"
#include "app/model_catalog.h"
#include "app/redis_link_monitor.h"
#include "app/serve_config.h"
#include "app/trace_export.h"
#include "auth/key_directory.h"
#include "auth/memory_revocation_store.h"
#include "federation/jwks_fetcher.h"
#include "grpc/grpc_server.h"
#include "http/server.h"
#include "ratelimit/memory_store.h"
#include "redis/async_admission_store.h"
#include "redis/deny_list_mirror_sync.h"
#include "redis/redis_admission_store.h"
#include "redis/redis_revocation_store.h"
#include "redis/redis_store.h"

#include <openssl/rand.h>
#include <prometheus/counter.h>

#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <thread>

namespace smlapi::app {

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct StartupError {
  std::string message;
};

boost::system::result<std::shared_ptr<api::KeysSource>, StartupError> load_keys(
    const ServeConfig& config, api::LogSink& log) {
  const auth::IssuerConfig issuer{config.issuer, config.audience, config.token_ttl_seconds};
  if (config.keys_dir.empty()) {
    unsigned char random[6];
    RAND_bytes(random, sizeof random);
    char kid[32];
    std::snprintf(kid, sizeof kid, "ephemeral-%02x%02x%02x%02x%02x%02x", random[0], random[1],
                  random[2], random[3], random[4], random[5]);
    auto key = auth::SigningKey::generate(auth::Algorithm::EdDSA, kid);
    if (!key) return StartupError{"cannot generate an ephemeral key: " + key.error().message};
    api::log_event(log, "warn", "startup.keys",
                   "no --keys-dir: signing with an ephemeral Ed25519 key; tokens will not survive "
                   "a restart nor verify on other replicas");
    auto set = auth::KeySet::create({}, *key);
    if (!set) return StartupError{set.error().message};
    auto signer = auth::TokenIssuer::create(issuer, std::move(*key));
    if (!signer) return StartupError{signer.error().message};
    return std::make_shared<api::KeysSource>(
        std::make_shared<const auth::KeySet>(std::move(*set)),
        std::make_shared<const auth::TokenIssuer>(std::move(*signer)));
  }
  auth::KeyDirectoryOptions options;
  if (!config.signing_kid.empty()) options.active_kid = config.signing_kid;
  auto source = api::KeysSource::open(config.keys_dir, options, issuer);
  if (!source) return StartupError{"--keys-dir: " + source.error().message};
  return std::move(*source);
}

// Blocks the signals the main thread handles, before any worker thread exists,
// so they are only ever delivered to sigtimedwait below.
sigset_t block_handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return set;
}

class Service {
 public:
  Service(const ServeConfig& config, api::LogSink& log) : config_(config), log_(log) {}
  boost::system::result<void, StartupError> start();
  int run_until_stopped(const sigset_t& signals);

 private:
  void housekeeping();
  boost::system::result<void, StartupError> start_admin();
  boost::system::result<void, StartupError> start_federation(api::AccessControl& access);
  boost::system::result<void, StartupError> load_models();
  boost::system::result<void, StartupError> start_grpc(unsigned threads);
  void reload_files(bool force);
  std::string lexicon_files() const;
  void report_reload(const api::ReloadResult& result, std::string_view event,
                     api::IdentitySourceHealth& health, api::DegradedSource source,
                     api::ServiceMetrics::IdentitySource& series, const std::string& path);

  const ServeConfig& config_;
  api::LogSink& log_;
  ratelimit::SteadyTimeSource clock_;
  api::Readiness readiness_;
  std::unique_ptr<api::ServiceMetrics> metrics_;
  std::shared_ptr<api::CredentialsSource> credentials_;
  std::shared_ptr<api::KeysSource> keys_;
  std::shared_ptr<api::ModelsSource> models_;
  // A failed reload keeps the last good state; these make it visible (log, metrics, /readyz).
  api::IdentitySourceHealth users_health_{"users file"};
  api::IdentitySourceHealth keys_health_{"key directory"};
  api::IdentitySourceHealth lexicon_health_{"lexicon files"};
  std::shared_ptr<ratelimit::Store> store_;
  std::shared_ptr<ratelimit::MemoryStore> memory_store_;  // when store_ is the in-process one
  std::uint64_t failure_evictions_counted_ = 0;
  // Before api_ and server_: the workers' Redis connections report to it until they stop.
  std::unique_ptr<RedisLinkMonitor> link_monitor_;
  std::shared_ptr<redis::AsyncAdmissionStore> async_store_;
  std::uint64_t reconnects_counted_ = 0;
  // Before api_: its exporter thread sends what the workers queued until api_ is gone.
  std::unique_ptr<TraceExport> trace_export_;
  std::unique_ptr<api::ApiService> api_;
  std::unique_ptr<http::Server> server_;
  // After server_, so destroyed first: its RPCs run on server_'s workers (--grpc-port).
  std::unique_ptr<grpc_api::GrpcServer> grpc_;
  // --admin-port: /metrics and the probes on a listener of their own (after server_: it keeps
  // answering the probes while the public port drains, and stops last).
  std::unique_ptr<api::AdminService> admin_api_;
  std::unique_ptr<http::Server> admin_server_;
  bool uses_redis_ = false;
  // Keeps the deny-list mirror current; destroyed (its thread joined) before the rest.
  std::unique_ptr<redis::DenyListMirrorSync> deny_list_sync_;
  // Keeps the external issuers' keys current on its own thread (joined on destruction).
  std::unique_ptr<federation::JwksFetcher> jwks_fetcher_;
};

// External tokens are larger than ours (Entra ID's and Keycloak's carry many claims).
constexpr std::size_t kMaxExternalTokenBytes = 16 * 1024;

boost::system::result<void, StartupError> Service::start_federation(api::AccessControl& access) {
  if (config_.trusted_issuers.empty()) return {};
  federation::HttpsClientConfig client_config;
  client_config.ca_file = config_.oidc_ca_file;
  auto client = federation::HttpsClient::create(client_config);
  if (!client) return StartupError{"--oidc-ca-file: " + client.error().message};
  auto keys = std::make_shared<federation::FederationKeys>(config_.trusted_issuers.size());
  auto federated =
      api::FederatedAccess::create(config_.trusted_issuers, keys, config_.issuer,
                                   config_.token_leeway_seconds, kMaxExternalTokenBytes);
  if (!federated) return StartupError{federated.error().message};
  access.enable_federation(std::move(*federated));
  const auto interval =
      std::chrono::duration_cast<std::chrono::seconds>(config_.jwks_min_refresh_interval);
  jwks_fetcher_ = std::make_unique<federation::JwksFetcher>(
      config_.trusted_issuers, std::move(*client), keys, interval,
      [&log = log_](std::string_view level, std::string_view event, std::string_view message) {
        api::log_event(log, level, event, message);
      });
  std::string names;
  for (const auto& issuer : config_.trusted_issuers) {
    names += (names.empty() ? "" : ", ") + issuer.name + " (" + issuer.issuer + ")";
  }
  // Ready without waiting for the first JWKS: a provider outage must not take the local issuer
  // down with it; external tokens get 401 until their issuer's keys arrive.
  api::log_event(log_, "info", "startup.federation", "trusting external issuers: " + names);
  jwks_fetcher_->start();
  return {};
}

// The gRPC message bound: a request at --max-body-bytes of text, plus its framing (per-element
// length prefixes or protobuf tags, names, shape), so too many texts get the same
// INVALID_ARGUMENT (413 over HTTP) as HTTP, and only a far larger message gRPC's own refusal.
constexpr std::size_t kGrpcFramingAllowance = 16 * 1024;

// The KServe V2 gRPC endpoint in front of the HTTP handler (src/grpc/inference_service.h): its
// RPCs are counted by smlapi_grpc_requests_total{rpc,code} beside the HTTP series they also
// appear in, and logged as one "grpc" line each beside their internal request's access line.
boost::system::result<void, StartupError> Service::start_grpc(unsigned threads) {
  if (config_.grpc.port == 0) return {};
  auto& requests = prometheus::BuildCounter()
                       .Name("smlapi_grpc_requests_total")
                       .Help("gRPC calls answered, by RPC and gRPC status code")
                       .Register(metrics_->background().registry());
  const bool access_log = config_.access_log;
  grpc_api::RpcObserver observer = [&requests, access_log,
                                    &log = log_](const grpc_api::RpcRecord& record) {
    const std::string_view code = grpc_api::rpc_code_name(record.code);
    requests.Add({{"rpc", std::string(record.rpc)}, {"code", std::string(code)}}).Increment();
    if (!access_log) return;
    std::string line;
    api::LogLine(line, "info", "grpc")
        .str("request_id", record.request_id)
        .str("protocol", "grpc")
        .str("rpc", record.rpc)
        .str("code", code)
        .num("status", record.http_status)
        .dbl("duration_ms", record.seconds * 1000.0)
        .str("client", record.client)
        .end();
    log.write(line);
  };
  auto service = std::make_unique<grpc_api::InferenceService>(
      *api_, threads,
      [server = server_.get()](unsigned worker, std::function<void()> work) {
        server->post(worker, std::move(work));
      },
      std::move(observer));
  grpc_api::GrpcServerConfig grpc_config;
  grpc_config.host = config_.grpc.host;
  grpc_config.port = config_.grpc.port;
  grpc_config.max_message_bytes = config_.server.limits.max_body_bytes + kGrpcFramingAllowance;
  grpc_config.max_metadata_bytes = config_.server.limits.max_header_bytes;
  grpc_config.tls_certificate_chain = config_.grpc.tls_certificate_chain;
  grpc_config.tls_private_key = config_.grpc.tls_private_key;
  grpc_ = std::make_unique<grpc_api::GrpcServer>(std::move(grpc_config), std::move(service));
  if (auto started = grpc_->start(); !started)
    return StartupError{"--grpc-port: " + started.error()};
  return {};
}

// The model registry, rebuilt from the lexicon files on reload. At start a bad file is fatal
// (there is no previous registry to keep); later it keeps the last good one.
boost::system::result<void, StartupError> Service::load_models() {
  const ModelOptions options{config_.lexicon_file, config_.lexicon_overrides_file};
  auto models = build_model_registry(options);
  if (!models) return StartupError{models.error().message};
  std::vector<std::filesystem::path> watched;
  for (const std::string& file : {options.lexicon_file, options.lexicon_overrides_file}) {
    if (!file.empty()) watched.emplace_back(file);
  }
  if (watched.empty()) {
    models_ = std::make_shared<api::ModelsSource>(*models);
    return {};
  }
  auto loader = [options]() -> boost::system::result<api::ModelsSource::Registry, std::string> {
    auto loaded = build_model_registry(options);
    if (!loaded) return loaded.error().message;
    return *loaded;
  };
  models_ = std::make_shared<api::ModelsSource>(*models, std::move(loader), std::move(watched));
  report_reload({api::ReloadResult::Outcome::loaded, "serving " + api::describe_versions(**models)},
                "lexicon.reload", lexicon_health_, api::DegradedSource::lexicon,
                metrics_->lexicon_source(), lexicon_files());
  return {};
}

boost::system::result<void, StartupError> Service::start() {
  auto keys = load_keys(config_, log_);
  if (!keys) return keys.error();
  keys_ = *keys;
  auto proxies = net::TrustedProxies::parse(
      config_.trusted_proxies, config_.rfc7239_forwarded ? net::ForwardingHeader::forwarded
                                                         : net::ForwardingHeader::x_forwarded_for);
  if (!proxies) {
    return StartupError{"--trusted-proxies entry " + std::to_string(proxies.error().index + 1) +
                        " is not a valid CIDR"};
  }

  unsigned threads = config_.server.threads != 0
                         ? config_.server.threads
                         : std::max(1u, std::thread::hardware_concurrency());
  http::ServerConfig server_config = config_.server;
  server_config.threads = threads;
  server_config.proxies = *proxies;
  const DescriptorBudget descriptors = apply_descriptor_budget(server_config.limits, threads);
  metrics_ = std::make_unique<api::ServiceMetrics>(threads, api::BuildInfo{kVersion, kGitCommit});
  if (auto loaded = load_models(); !loaded) return loaded.error();

  // Without --revocation-failure-mode closed, a deny-list Redis cannot answer is not a reason
  // to refuse a token (the mirror has refused the revoked ones already).
  const bool fail_open =
      config_.redis && config_.revocation_failure_mode != redis::RevocationFailureMode::closed;
  std::shared_ptr<auth::RevocationStore> revocations;
  std::shared_ptr<ratelimit::AdmissionStore> admission_store;
  if (config_.redis) {
    redis::Config redis_config = *config_.redis;
    redis_config.connections = threads + static_cast<std::uint32_t>(config_.max_concurrent_hashes);
    auto store = redis::RedisStore::create(redis_config, clock_);
    if (!store) return StartupError{std::string("Redis: ") + redis::to_string(store.error())};
    std::shared_ptr<redis::RedisStore> redis_store(std::move(*store));
    auto mirror =
        std::make_shared<redis::DenyListMirror>(redis_config, config_.revocation_failure_mode);
    deny_list_sync_ = std::make_unique<redis::DenyListMirrorSync>(redis_config, mirror,
                                                                  config_.revocation_resync);
    deny_list_sync_->start();
    auto redis_revocations =
        std::make_shared<redis::RedisRevocationStore>(redis_config, clock_, mirror);
    auto blocking = std::make_shared<redis::RedisAdmissionStore>(redis_store, redis_revocations);
    // Requests' admission steps run on the workers' loops, pipelined (one connection each);
    // the blocking pool stays for the work done off the loops (logins, revocations).
    link_monitor_ =
        std::make_unique<RedisLinkMonitor>(threads, redis::describe(redis_config), log_);
    async_store_ = std::make_shared<redis::AsyncAdmissionStore>(blocking, redis_config, threads,
                                                                link_monitor_.get());
    admission_store = async_store_;
    store_ = redis_store;
    revocations = redis_revocations;
    uses_redis_ = true;
    // Fail-closed: without Redis every limited request is refused, so the replica
    // is not ready. Fail-open keeps serving on local limits: pulling every replica
    // out of the load balancer at once would turn a Redis outage into a full one.
    readiness_.set_store_required(redis_config.failure_mode == redis::FailureMode::fail_closed);
  } else {
    api::WorkerMetrics& background = metrics_->background();
    ratelimit::MemoryStoreConfig store_config;
    store_config.max_keys = config_.rate_limit_max_keys;
    memory_store_ = std::make_shared<ratelimit::MemoryStore>(
        store_config, [&background] { background.ratelimit_eviction(); });
    store_ = memory_store_;
    revocations = std::make_shared<auth::MemoryRevocationStore>();
    admission_store = std::make_shared<api::LocalAdmissionStore>(store_, revocations);
  }
  auto clock = std::make_shared<const api::SystemClock>();
  auto gate = std::make_shared<api::RateLimitGate>(store_, uses_redis_ ? "redis" : "memory",
                                                   config_.policies, config_.rate_limits, clock);

  auth::VerifierConfig verifier_config{config_.issuer, config_.audience,
                                       config_.token_leeway_seconds, auth::kDefaultMaxTokenBytes};
  auto access =
      std::make_shared<api::AccessControl>(*keys, verifier_config, revocations, fail_open);
  if (auto federated = start_federation(*access); !federated) return federated.error();

  credentials_ = std::make_shared<api::CredentialsSource>(config_.users_file);
  if (!config_.users_file.empty()) {
    api::ReloadResult loaded = credentials_->reload(true);
    if (loaded.outcome == api::ReloadResult::Outcome::failed) {
      return StartupError{"--users-file: " + loaded.detail};  // no previous store to keep
    }
    report_reload(loaded, "users.reload", users_health_, api::DegradedSource::users_file,
                  metrics_->users_source(), config_.users_file);
    // Tokens of removed principals or withdrawn scopes stop working at the next reload.
    access->check_authority_against(credentials_);
  }
  keys_health_.observe({api::ReloadResult::Outcome::loaded, {}}, Clock::now(),
                       unix_now());  // loaded by load_keys above (its own log line)
  metrics_->keys_source().last_success->Set(static_cast<double>(unix_now()));
  api::TokenEndpointParts token_parts{credentials_, std::make_shared<const auth::PasswordHasher>(),
                                      keys_,        access,
                                      gate,         config_.max_concurrent_hashes,
                                      clock};
  auto tokens = std::make_shared<api::TokenEndpoints>(std::move(token_parts), log_);

  oip::InferLimits infer_limits;
  infer_limits.max_texts = config_.max_batch_texts;
  infer_limits.max_text_chars = config_.max_text_chars;
  infer_limits.max_total_bytes = config_.server.limits.max_body_bytes;
  auto inference = std::make_shared<api::InferenceEndpoints>(threads, infer_limits, kVersion);

  api::ApiConfig api_config;
  api_config.input.max_text_chars = config_.max_text_chars;
  api_config.input.max_batch_texts = config_.max_batch_texts;
  api_config.input.max_batch_text_bytes = config_.server.limits.max_body_bytes;
  api_config.cors_origins = config_.cors_origins;
  api_config.access_log = config_.access_log;
  api_config.trusted_proxies = std::move(*proxies);
  api_config.root_path = config_.root_path;
  api_config.public_metrics = !config_.admin.has_value();
  api_config.trace_sample_ratio = config_.tracing.sample_ratio;
  api::ApiParts parts{models_, access, tokens, inference, gate, admission_store, clock, {}, {}};
  if (async_store_) {
    parts.worker_started = [store = async_store_](unsigned worker, boost::asio::io_context& io) {
      store->attach(worker, io);
    };
    parts.worker_stopping = [store = async_store_](unsigned worker) { store->detach(worker); };
  }
  api_ = std::make_unique<api::ApiService>(std::move(api_config), std::move(parts), threads,
                                           *metrics_, readiness_, log_);
  trace_export_ =
      TraceExport::start(config_.tracing, threads, kVersion, metrics_->process_registry());
  if (trace_export_) api_->export_spans_to(trace_export_->sink());
  server_ = std::make_unique<http::Server>(server_config, *api_);
  try {
    server_->start();
  } catch (const boost::system::system_error& error) {
    return StartupError{"cannot listen on " + config_.server.host + ":" +
                        std::to_string(config_.server.port) + ": " + error.code().message()};
  }
  if (auto grpc = start_grpc(threads); !grpc) return grpc.error();
  if (auto admin = start_admin(); !admin) return admin.error();
  readiness_.set_model_loaded(true);
  housekeeping();
  std::string line;
  api::LogLine startup(line, "info", "startup");
  startup.str("message", "listening")
      .str("host", config_.server.host)
      .num("port", server_->port())
      .num("grpc_port", grpc_ ? grpc_->port() : 0)
      .num("threads", threads)
      .str("model_version", models_->current()->at(0).info().version)
      .str("version", kVersion)
      .str("rate_limit_store", uses_redis_ ? "redis" : "memory")
      .str("tls", config_.server.tls ? "on" : "off")
      .str("metrics", admin_server_ ? "admin port" : "public port, redacted")
      .num("max_connections", server_config.limits.max_connections)
      .num("max_connections_per_client", server_config.limits.max_connections_per_client)
      .num("descriptor_limit", static_cast<long long>(std::min<std::uint64_t>(
                                   descriptors.descriptor_limit, INT64_MAX)));
  if (config_.tls_certificate) {  // public facts only: never anything about the key
    startup.str("tls_certificate_subject", config_.tls_certificate->subject)
        .str("tls_certificate_not_after", config_.tls_certificate->not_after);
  }
  if (admin_server_) {
    startup.str("admin_host", config_.admin->host).num("admin_port", admin_server_->port());
  }
  startup.end();
  log_.write(line);
  if (descriptors.above_limit) {
    api::log_event(log_, "warn", "startup.connections",
                   "--max-connections " + std::to_string(server_config.limits.max_connections) +
                       " is more than the descriptor limit (" +
                       std::to_string(descriptors.descriptor_limit) +
                       ") can hold: beyond it new clients get 503 from the reserve descriptor");
  }
  if (config_.tls_certificate && config_.tls_certificate->expired) {
    api::log_event(log_, "warn", "startup.tls",
                   "the TLS certificate expired on " + config_.tls_certificate->not_after +
                       ": clients will refuse the connection until it is renewed");
  }
  return {};
}

boost::system::result<void, StartupError> Service::start_admin() {
  if (!config_.admin) return {};
  admin_api_ = std::make_unique<api::AdminService>(*metrics_, readiness_);
  admin_server_ = std::make_unique<http::Server>(*config_.admin, *admin_api_);
  try {
    admin_server_->start();
  } catch (const boost::system::system_error& error) {
    return StartupError{"cannot listen on --admin-host/--admin-port " + config_.admin->host + ":" +
                        std::to_string(config_.admin->port) + ": " + error.code().message()};
  }
  return {};
}

// One reload's outcome, made visible: a log line when the health tracker has one (naming the
// file and the rule that failed, never its contents: a detail holds no secret material), the
// source's metrics and its /readyz "degraded" entry.
void Service::report_reload(const api::ReloadResult& result, std::string_view event,
                            api::IdentitySourceHealth& health, api::DegradedSource source,
                            api::ServiceMetrics::IdentitySource& series, const std::string& path) {
  const std::uint64_t failures_before = health.failures();
  const std::optional<api::SourceNote> note = health.observe(result, Clock::now(), unix_now());
  series.reload_failures->Increment(static_cast<double>(health.failures() - failures_before));
  series.ok->Set(health.degraded() ? 0 : 1);
  if (result.outcome == api::ReloadResult::Outcome::loaded) {
    series.last_success->Set(static_cast<double>(health.last_success_unix()));
  }
  readiness_.set_degraded(source, health.degraded());
  if (!note) return;
  std::string line;
  api::LogLine(line, note->level, event)
      .str("message", note->message)
      .str("file", path)
      .str("state", note->state)
      .end();
  log_.write(line);
}

void Service::reload_files(bool force) {
  report_reload(credentials_->reload(force), "users.reload", users_health_,
                api::DegradedSource::users_file, metrics_->users_source(), config_.users_file);
  report_reload(keys_->reload(force), "keys.reload", keys_health_, api::DegradedSource::keys_dir,
                metrics_->keys_source(), config_.keys_dir);
  report_reload(models_->reload(force), "lexicon.reload", lexicon_health_,
                api::DegradedSource::lexicon, metrics_->lexicon_source(), lexicon_files());
}

// The files a lexicon reload reads, for its log lines.
std::string Service::lexicon_files() const {
  std::string files = config_.lexicon_file;
  if (!config_.lexicon_overrides_file.empty()) {
    files += (files.empty() ? "" : ", ") + config_.lexicon_overrides_file;
  }
  return files;
}

// Once a second: users-file and key-directory changes (the kubelet swaps a Secret volume's
// files on update), Redis health for readiness and metrics.
void Service::housekeeping() {
  reload_files(false);
  if (trace_export_) trace_export_->update_metrics();
  if (memory_store_) {
    const std::uint64_t evicted = memory_store_->failure_evictions();
    metrics_->login_counter_evictions().Increment(
        static_cast<double>(evicted - failure_evictions_counted_));
    failure_evictions_counted_ = evicted;
  }
  if (async_store_) {
    // The workers' own connections say whether Redis answers: no PING that a stalled Redis
    // would hold for a whole timeout, on the thread that also handles signals.
    const redis::LinkTotals totals = async_store_->totals();
    const bool healthy = totals.up > 0;
    readiness_.set_store_healthy(healthy);
    metrics_->redis_up().Set(healthy ? 1 : 0);
    api::ServiceMetrics::RedisLinks& links = metrics_->redis_links();
    links.up->Set(totals.up);
    links.down->Set(totals.down);
    links.in_flight->Set(totals.in_flight);
    links.pipelined->Set(totals.sent);
    links.reconnects->Increment(static_cast<double>(totals.reconnects - reconnects_counted_));
    reconnects_counted_ = totals.reconnects;
  } else if (uses_redis_) {
    bool healthy = store_->healthy();
    readiness_.set_store_healthy(healthy);
    metrics_->redis_up().Set(healthy ? 1 : 0);
  }
}

int Service::run_until_stopped(const sigset_t& signals) {
  timespec one_second{1, 0};
  for (;;) {
    int signal = sigtimedwait(&signals, nullptr, &one_second);
    if (signal == SIGHUP) {
      reload_files(true);
      continue;
    }
    if (signal == SIGTERM || signal == SIGINT) break;
    housekeeping();
  }
  // Still accepting and serving through the delay (load balancers take a while
  // to see readiness false), but each answer now closes its connection; asked
  // first, so that an answer sent after a 503 from /readyz says so.
  server_->begin_drain();
  readiness_.set_draining();
  api::log_event(log_, "info", "shutdown", "draining: readiness is now false");
  if (config_.shutdown_delay.count() > 0) std::this_thread::sleep_for(config_.shutdown_delay);
  // gRPC first: its in-flight RPCs still need the HTTP workers to answer them.
  const auto drain_started = Clock::now();
  if (grpc_) grpc_->shutdown(config_.shutdown_timeout);
  grpc_.reset();
  const auto remaining = std::max(
      std::chrono::milliseconds(0),
      config_.shutdown_timeout -
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - drain_started));
  bool in_time = server_->shutdown(remaining);
  server_.reset();  // connections left at the deadline still call into the API
  if (admin_server_) admin_server_->shutdown(std::chrono::milliseconds(1000));
  admin_server_.reset();
  api_.reset();  // flushes the access logs
  api::log_event(log_, in_time ? "info" : "warn", "shutdown",
                 in_time ? "stopped after finishing in-flight requests"
                         : "stopped at the deadline with requests still in flight");
  return 0;
}

// Large blocks (Argon2id's 19 MiB per hash) must go back to the kernel when freed.
// glibc raises its mmap threshold after the first such free, so later hashes would
// come from the heap and stay resident: one /token call left RSS ~19 MiB higher for
// the life of the process. A fixed threshold keeps them mmap'd (and unmapped on
// free); nothing on the request path allocates blocks this large.
void return_large_blocks_to_the_kernel() {
#ifdef __GLIBC__
  constexpr int kMmapThresholdBytes = 1024 * 1024;
  mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes);
#endif
}

}  // namespace

// Variables the scripts and tests around the binary read; not options, not mistakes.
constexpr std::string_view kNonOptionVariables[] = {"SMLAPI_BIN", "SMLAPI_DEMO_PASSWORD",
                                                    "SMLAPI_VADER_VECTORS"};

// One warning per SMLAPI_* variable that is no option: a deployment that sets a misspelled
// or retired setting learns it at start instead of running without it.
void warn_about_unknown_environment(api::LogSink& log) {
  std::vector<const char*> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) entries.push_back(*entry);
  for (const std::string& name :
       unknown_environment_options(serve_options(), entries, kNonOptionVariables)) {
    api::log_event(log, "warn", "startup.config",
                   name + " is not an option of serve and is ignored (see --help)");
  }
}

int serve_command(std::span<const std::string> args) {
  auto options = parse_options(serve_options(), args, environment_variable);
  if (!options) {
    std::cerr << "secure-ml-api serve: " << options.error().message << " (see --help)\n";
    return 2;
  }
  if (options->has("help")) return 0;
  if (!options->positional.empty()) {
    std::cerr << "secure-ml-api serve: unexpected argument '" << options->positional[0] << "'\n";
    return 2;
  }
  auto config = make_serve_config(*options, std::chrono::system_clock::now());
  if (!config) {
    std::cerr << "secure-ml-api serve: " << config.error().message << "\n";
    return 2;
  }
  return_large_blocks_to_the_kernel();
  sigset_t signals = block_handled_signals();
  api::LogSink log;
  warn_about_unknown_environment(log);
  Service service(*config, log);
  if (auto started = service.start(); !started) {
    api::log_event(log, "error", "startup.failed", started.error().message);
    return 1;
  }
  return service.run_until_stopped(signals);
}

}  // namespace smlapi::app
