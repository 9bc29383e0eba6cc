// The configuration of `secure-ml-api serve`: a plain struct filled and
// validated in one place (from flags and SMLAPI_* variables), then passed down
// read-only. Validation errors name the option and the rule.
#pragma once

#include "api/rate_limit_gate.h"
#include "app/options.h"
#include "app/tracing_config.h"
#include "auth/federation/trusted_issuer.h"
#include "auth/token_issuer.h"
#include "auth/token_verifier.h"
#include "common/limits.h"
#include "http/server.h"
#include "http/tls_context.h"
#include "ratelimit/memory_store.h"
#include "redis/config.h"
#include "redis/deny_list_mirror.h"

#include <boost/system/result.hpp>

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace smlapi::app {

// The KServe V2 gRPC endpoint (--grpc-port, --grpc-host); TLS when the HTTP listener has it.
struct GrpcListenerConfig {
  std::uint16_t port = 0;             // 0: off
  std::string host;                   // --grpc-host, else --host
  std::string tls_certificate_chain;  // PEM, with --tls-cert/--tls-key
  std::string tls_private_key;        // PEM; never logged
};

struct ServeConfig {
  http::ServerConfig server;  // server.tls is set when --tls-cert/--tls-key are given
  GrpcListenerConfig grpc;
  std::optional<http::TlsCertificateInfo> tls_certificate;  // for the startup log
  // --admin-port: a second, plain-HTTP listener for /metrics and the probes (api/admin_service.h),
  // with its own worker and a small connection budget of its own, so a flood of the public port
  // cannot starve Prometheus or the kubelet. Unset: no admin listener (the public port then
  // serves a redacted /metrics).
  std::optional<http::ServerConfig> admin;
  std::size_t max_text_chars = limits::kMaxTextChars;
  std::size_t max_batch_texts = limits::kMaxBatchTexts;
  std::string users_file;
  std::string keys_dir;
  std::string signing_kid;
  std::string issuer = "secure-ml-api";
  std::string audience = "secure-ml-api";
  std::int64_t token_ttl_seconds = auth::kDefaultTokenLifetimeSeconds;
  std::int64_t token_leeway_seconds = auth::kDefaultLeewaySeconds;
  std::size_t max_concurrent_hashes = 2;
  // Federation: external issuers whose access tokens are accepted beside ours (--oidc-issuer,
  // --trusted-issuers), the CA their HTTPS endpoints must chain to (empty: the system's), and
  // how often at most a token with an unknown kid makes us fetch an issuer's keys again.
  std::vector<auth::federation::TrustedIssuer> trusted_issuers;
  std::string oidc_ca_file;
  std::chrono::milliseconds jwks_min_refresh_interval{30'000};
  std::string lexicon_file;
  std::string lexicon_overrides_file;
  std::optional<redis::Config> redis;  // set when --redis-host is given
  // The deny-list's answer while Redis is down (the limiter's is redis->failure_mode), and how
  // often each replica's mirror of it is reread in full.
  redis::RevocationFailureMode revocation_failure_mode = redis::RevocationFailureMode::mirror;
  std::chrono::milliseconds revocation_resync{60'000};
  bool rate_limits = true;
  api::RateLimitPolicies policies;
  // In-process store only (Redis has its own bound).
  std::size_t rate_limit_max_keys = ratelimit::MemoryStoreConfig{}.max_keys;
  std::vector<std::string> trusted_proxies;
  bool rfc7239_forwarded = false;  // read Forwarded: for= instead of X-Forwarded-For
  std::vector<std::string> cors_origins;
  std::string root_path;  // --root-path: empty or "/prefix"
  std::chrono::milliseconds shutdown_delay{0};
  std::chrono::milliseconds shutdown_timeout{10'000};
  bool access_log = true;
  TracingConfig tracing;  // --otlp-*, --trace-sample-ratio (app/tracing_config.h)
};

std::span<const OptionSpec> serve_options();

// Reads --redis-password-file when given, and builds the TLS context from
// --tls-cert/--tls-key (the files are read here, once). `now` decides whether
// the certificate has expired (reported, not refused).
boost::system::result<ServeConfig, OptionError> make_serve_config(
    const ParsedOptions& options, std::chrono::system_clock::time_point now);

}  // namespace smlapi::app
