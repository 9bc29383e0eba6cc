#include "app/serve_config.h"

#include "api/static_assets.h"
#include "app/descriptor_budget.h"

#include "auth/secure_file.h"
#include "net/ip_address.h"
#include "net/trusted_proxies.h"
#include "redis/tls.h"

#include <simdjson.h>

#include <charconv>
#include <sstream>

namespace smlapi::app {

namespace {

// Option defaults are printed from the values the code uses (common/limits.h and the libraries'
// own constants), so --help, the config and the libraries cannot drift apart.
std::string text(std::size_t value) { return std::to_string(value); }

std::string text(std::chrono::milliseconds value) {
  if (value.count() % 1000 == 0) return std::to_string(value.count() / 1000) + "s";
  return std::to_string(value.count()) + "ms";
}

// A policy as --rate-limit-* writes it: N/PERIODs[+BURST].
std::string text(const ratelimit::Policy& policy) {
  std::string out =
      std::to_string(policy.limit) + "/" + std::to_string(policy.period.count()) + "s";
  if (policy.burst > 0) out += "+" + std::to_string(policy.burst);
  return out;
}

const std::vector<OptionSpec>& specs() {
  const ServeConfig defaults;
  const http::ServerLimits& limits = defaults.server.limits;
  const api::RateLimitPolicies& policies = defaults.policies;
  static const std::vector<OptionSpec> kSpecs = with_tracing_options({
      {"host", "127.0.0.1", "Address to listen on (0.0.0.0 in containers)"},
      {"port", "8000", "TCP port to listen on (0: any free port)"},
      {"grpc-port", "0",
       "TCP port of the KServe V2 gRPC endpoint (0: off); same auth, limits and TLS as HTTP"},
      {"grpc-host", "", "Address the gRPC endpoint listens on (empty: the --host address)"},
      {"admin-host", "127.0.0.1",
       "Address of the admin listener (0.0.0.0 in a pod, where a NetworkPolicy guards it)"},
      {"admin-port", "",
       "Port of the admin listener: /metrics (in full) and /healthz, /readyz over plain HTTP, "
       "its own small connection budget; the public port then answers /metrics 404 (empty: no "
       "admin listener, the public /metrics shows no git commit nor auth-failure reasons)"},
      {"tls-cert", "",
       "PEM certificate chain, server certificate first; with --tls-key: HTTPS only, with HSTS "
       "(empty: plain HTTP, e.g. behind a TLS-terminating proxy)"},
      {"tls-key", "", "PEM private key of --tls-cert (unencrypted; never logged)"},
      {"threads", "0", "Worker threads, each with its own event loop (0: one per core)"},
      {"max-connections", "auto",
       "Open connections across all workers; beyond: 503 and close (auto: min(" +
           text(limits.max_connections) +
           ", the descriptor limit minus a reserve); the start-up line logs the figure"},
      {"max-connections-per-client", "auto",
       "Open connections one client address (IPv6: its /64) may hold; beyond: 503 and close "
       "(auto: a quarter of --max-connections, at least 64; 0: no cap; trusted proxies are "
       "exempt)"},
      {"max-body-bytes", text(limits.max_body_bytes), "Largest request body; beyond: 413"},
      {"max-header-bytes", text(limits.max_header_bytes),
       "Largest request header block; beyond: 431"},
      {"header-timeout", text(limits.header_timeout),
       "Time allowed for a whole request header (slow-loris bound)"},
      {"body-timeout", text(limits.body_timeout),
       "Time allowed for a request body after its header"},
      {"idle-timeout", text(limits.idle_timeout),
       "Keep-alive wait for the next request on a connection"},
      {"max-requests-per-connection", text(limits.max_requests_per_connection),
       "Requests served on one connection before closing it"},
      {"max-text-chars", text(defaults.max_text_chars), "Largest text to score, in characters"},
      {"max-batch-texts", text(defaults.max_batch_texts),
       "Most texts in one /predict/batch or OIP infer request"},
      {"users-file", "",
       "JSON users/clients file (see `secure-ml-api users`); re-read on change and SIGHUP"},
      {"keys-dir", "",
       "Directory of signing/verification keys (<kid>.pem, <kid>.pub.pem, <kid>.hs256); none: an "
       "ephemeral Ed25519 key"},
      {"signing-kid", "", "Key to sign with when the keys directory holds several"},
      {"issuer", "secure-ml-api", "Token issuer (iss), checked exactly"},
      {"audience", "secure-ml-api", "Token audience (aud), checked exactly"},
      {"oidc-issuer", "",
       "Trust access tokens of this external OpenID provider (its iss, exactly); its keys are "
       "found through OIDC discovery unless a JWKS URL is given"},
      {"jwks-url", "", "https URL of the OIDC issuer's JWKS (skips discovery)"},
      {"oidc-audience", "", "aud the OIDC issuer's tokens must carry (comma-separated: any of)"},
      {"oidc-ca-file", "",
       "PEM CA certificates the identity providers' HTTPS must chain to (empty: the system's "
       "trust store)"},
      {"trusted-issuers", "",
       "JSON file listing external issuers with their own audience, typ and claim mapping (see "
       "docs/security.md, Federation)"},
      {"jwks-min-refresh-interval", "30s",
       "Fetch an external issuer's keys again for an unknown kid at most this often (1s..1h)"},
      {"token-ttl", text(static_cast<std::size_t>(defaults.token_ttl_seconds)),
       "Access-token lifetime in seconds (60..3600)"},
      {"token-leeway", text(static_cast<std::size_t>(defaults.token_leeway_seconds)),
       "Clock skew allowed on exp/nbf/iat, seconds (0..300)"},
      {"max-concurrent-hashes", text(defaults.max_concurrent_hashes),
       "Argon2id computations at once (one per source, half kept for recent logins); beyond: 503"},
      {"lexicon", "", "vader_lexicon.txt-format file replacing the built-in lexicon"},
      {"lexicon-overrides", "",
       "change file: word or phrase<TAB>valence (or - to remove a word); reloaded on change"},
      {"redis-host", "",
       "Redis for shared rate limits and revocations (host name or IP address, resolved again "
       "on every reconnect; empty: in-process)"},
      {"redis-port", "6379", "Redis port"},
      {"redis-username", "", "Redis ACL user (empty: requirepass AUTH)"},
      {"redis-password-file", "", "File holding the Redis password (or set SMLAPI_REDIS_PASSWORD)"},
      {"redis-password", "", "Redis password; prefer the file or the environment variable", false,
       true},
      {"redis-db", "0", "Redis database number"},
      {"redis-key-prefix", "smlapi:", "Prefix of every Redis key"},
      {"redis-timeout-ms", "50", "Per-command Redis timeout in milliseconds"},
      {"redis-tls", "off", "on: TLS to Redis (rediss://), the server's certificate verified"},
      {"redis-tls-ca-file", "",
       "PEM CA certificates Redis' certificate must chain to (empty: "
       "the system's trust store)"},
      {"redis-tls-server-name", "",
       "Name Redis' certificate must carry, also sent as SNI (empty: --redis-host)"},
      {"redis-tls-cert-file", "", "PEM client certificate for Redis (tls-auth-clients)"},
      {"redis-tls-key-file", "", "PEM private key of --redis-tls-cert-file (owner-only file)"},
      {"redis-failure-mode", "open",
       "Rate limits when Redis fails: open (local fallback limits) or closed (503)"},
      {"redis-fallback-replicas", "1",
       "Fail-open: each replica's local limit is the limit divided by this (set it to the "
       "replica count, so that together they stay near the shared limit)"},
      {"revocation-failure-mode", "mirror",
       "Revoked tokens when Redis fails: mirror (refuse those this replica's copy of the "
       "deny-list holds, accept the rest) or closed (503 for every token)"},
      {"revocation-resync", text(defaults.revocation_resync),
       "How often each replica rereads the whole deny-list from Redis (1s..1h)"},
      {"rate-limits", "on", "on or off (off lifts the request limits; brute-force defence stays)"},
      {"rate-limit-default", text(policies.default_policy),
       "Default policy: N/PERIOD[+BURST] (GCRA: N per PERIOD sustained, BURST more at once)"},
      {"rate-limit-token", text(policies.token_policy), "Policy of /token and /token/revoke"},
      {"rate-limit-predict", text(policies.predict_policy),
       "Policy of /predict, /predict/batch and OIP infer"},
      {"rate-limit-max-keys", text(defaults.rate_limit_max_keys),
       "Clients the in-process limiter remembers (about 200 bytes each; beyond: least recently "
       "used forgotten)"},
      {"trusted-proxies", "", "Comma-separated CIDRs whose X-Forwarded-For is believed"},
      {"forwarding-header", "x-forwarded-for",
       "Header the trusted proxies write: x-forwarded-for or forwarded (RFC 7239)"},
      {"cors-origins", "", "Comma-separated allowed origins (empty: CORS off)"},
      {"root-path", "",
       "Path prefix an ingress routes to this service and strips, e.g. /sentiment: the docs UI, "
       "its links and the OpenAPI servers entry carry it (FastAPI's root_path)"},
      {"shutdown-delay", text(defaults.shutdown_delay),
       "After SIGTERM, keep serving with /readyz 503 this long"},
      {"shutdown-timeout", text(defaults.shutdown_timeout),
       "Then let in-flight requests finish for at most this long"},
      {"access-log", "on", "on or off: one JSON line per request on stdout"},
  });
  return kSpecs;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    auto begin = item.find_first_not_of(' ');
    auto end = item.find_last_not_of(' ');
    if (begin != std::string::npos) items.push_back(item.substr(begin, end - begin + 1));
  }
  return items;
}

struct Reader {
  const ParsedOptions& options;
  std::optional<OptionError> error;

  std::uint64_t integer(const char* name, std::uint64_t min, std::uint64_t max) {
    std::string text = options.get(name);
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
      fail(std::string("--") + name + " must be an integer in [" + std::to_string(min) + ", " +
           std::to_string(max) + "]");
    }
    return value;
  }

  // "250ms", "10s", "2m" or a bare number of seconds.
  std::chrono::milliseconds duration(const char* name, std::chrono::milliseconds max) {
    std::string text = options.get(name);
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    std::uint64_t factor = unit == "ms"                    ? 1
                           : (unit == "s" || unit.empty()) ? 1000
                           : unit == "m"                   ? 60000
                                                           : 0;
    std::chrono::milliseconds result(value * factor);
    if (ec != std::errc() || text.empty() || factor == 0 || result > max) {
      fail(std::string("--") + name + " must be a duration like 500ms, 10s or 2m, at most " +
           std::to_string(max.count() / 1000) + "s");
    }
    return result;
  }

  bool on_off(const char* name) {
    std::string text = options.get(name);
    if (text == "on" || text == "true") return true;
    if (text == "off" || text == "false") return false;
    fail(std::string("--") + name + " must be on or off");
    return false;
  }

  // "N/PERIOD[+BURST]" -> policy
  ratelimit::Policy policy(const char* option, const char* policy_name) {
    std::string text = options.get(option);
    ratelimit::Policy policy{policy_name, 0, std::chrono::seconds(0), 0};
    auto slash = text.find('/');
    auto plus = text.find('+');
    std::uint32_t limit = 0, burst = 0;
    bool ok = slash != std::string::npos;
    if (ok) {
      auto [end, ec] = std::from_chars(text.data(), text.data() + slash, limit);
      ok = ec == std::errc() && end == text.data() + slash;
    }
    if (ok && plus != std::string::npos) {
      auto [end, ec] = std::from_chars(text.data() + plus + 1, text.data() + text.size(), burst);
      ok = ec == std::errc() && end == text.data() + text.size();
    }
    std::string period_text =
        ok ? text.substr(slash + 1,
                         plus == std::string::npos ? std::string::npos : plus - slash - 1)
           : "";
    std::uint64_t seconds = 0;
    if (ok) {
      std::string_view p = period_text;
      std::uint64_t factor = 1;
      if (p.ends_with("s"))
        p.remove_suffix(1);
      else if (p.ends_with("m")) {
        p.remove_suffix(1);
        factor = 60;
      } else if (p.ends_with("h")) {
        p.remove_suffix(1);
        factor = 3600;
      }
      auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), seconds);
      ok = ec == std::errc() && end == p.data() + p.size() && !p.empty();
      seconds *= factor;
    }
    policy.limit = limit;
    policy.period = std::chrono::seconds(seconds);
    policy.burst = burst;
    if (!ok || !ratelimit::validate(policy)) {
      fail(std::string("--") + option +
           " must look like 60/60s or 100/1m+20 (limit >= 1, period 1s..24h)");
    }
    return policy;
  }

  void fail(std::string message) {
    if (!error) error = OptionError{std::move(message)};
  }
};

// The file-trust rule (auth/secure_file.h) for a file named by --<option>: a key is a secret; a
// CA bundle or a certificate is public but decides whom the service trusts (or who it claims to
// be), so whoever may write it could redirect trust. An empty path (option not given) passes.
bool trust_file(Reader& read, std::string_view option, const std::string& path,
                auth::FileAudience audience) {
  if (path.empty()) return true;
  if (auto trusted = auth::check_file_trust(path, audience); !trusted) {
    read.fail("--" + std::string(option) + ": " + trusted.error().message);
    return false;
  }
  return true;
}

// --redis-tls and its files, each under the file-trust rule.
void read_redis_tls(const ParsedOptions& options, redis::Config& redis, Reader& read) {
  if (!read.on_off("redis-tls")) {
    for (const char* name : {"redis-tls-ca-file", "redis-tls-server-name", "redis-tls-cert-file",
                             "redis-tls-key-file"}) {
      if (!options.get(name).empty()) read.fail(std::string("--") + name + " needs --redis-tls on");
    }
    return;
  }
  redis::TlsFiles files{options.get("redis-tls-ca-file"), options.get("redis-tls-cert-file"),
                        options.get("redis-tls-key-file"), options.get("redis-tls-server-name")};
  if (!trust_file(read, "redis-tls-ca-file", files.ca_file, auth::FileAudience::public_material) ||
      !trust_file(read, "redis-tls-cert-file", files.cert_file,
                  auth::FileAudience::public_material) ||
      !trust_file(read, "redis-tls-key-file", files.key_file, auth::FileAudience::secret)) {
    return;
  }
  if (auto enabled = redis::enable_tls(redis, files); !enabled) {
    read.fail("--redis-tls: " + enabled.error());
  }
}

// Both --tls-cert and --tls-key, or neither. Each failure names its option
// and the file; the key's content never appears.
void configure_tls(const ParsedOptions& options, std::chrono::system_clock::time_point now,
                   ServeConfig& config, Reader& read) {
  std::string certificate = options.get("tls-cert");
  std::string key = options.get("tls-key");
  if (certificate.empty() && key.empty()) return;
  if (certificate.empty() || key.empty()) {
    read.fail(std::string("--tls-cert and --tls-key go together: ") +
              (certificate.empty() ? "--tls-key is set but --tls-cert is missing"
                                   : "--tls-cert is set but --tls-key is missing") +
              " (give both for HTTPS, neither for plain HTTP)");
    return;
  }
  // The files pass the same trust rule as every other secret or trust file; OpenSSL reads them
  // after.
  if (!trust_file(read, "tls-key", key, auth::FileAudience::secret) ||
      !trust_file(read, "tls-cert", certificate, auth::FileAudience::public_material)) {
    return;
  }
  auto tls = http::make_tls_context({certificate, key}, now);
  if (!tls) {
    using Code = http::TlsContextErrorCode;
    Code code = tls.error().code;
    bool about_certificate = code == Code::certificate_unreadable ||
                             code == Code::not_a_certificate || code == Code::rejected_by_openssl;
    read.fail(std::string(about_certificate ? "--tls-cert: " : "--tls-key: ") +
              tls.error().message);
    return;
  }
  config.server.tls = std::move(tls->context);
  config.tls_certificate = std::move(tls->certificate);
}

// --grpc-port/--grpc-host; with TLS, the gRPC listener gets the same certificate and key as
// HTTP (read again as PEM text: gRPC takes no OpenSSL context). After configure_tls, which has
// checked both files.
void configure_grpc(const ParsedOptions& options, ServeConfig& config, Reader& read) {
  config.grpc.port = static_cast<std::uint16_t>(read.integer("grpc-port", 0, 65535));
  config.grpc.host =
      options.get("grpc-host").empty() ? config.server.host : options.get("grpc-host");
  if (config.grpc.port == 0 || !config.server.tls) return;
  auto certificate =
      auth::read_trusted_file(options.get("tls-cert"), auth::FileAudience::public_material);
  auto key = auth::read_trusted_file(options.get("tls-key"), auth::FileAudience::secret);
  if (!certificate || !key) {
    read.fail("--grpc-port: cannot read --tls-cert/--tls-key again for the gRPC listener");
    return;
  }
  config.grpc.tls_certificate_chain = std::move(*certificate);
  config.grpc.tls_private_key = std::move(*key);
}

boost::system::result<std::string, auth::Error> read_secret_file(const std::string& path) {
  auto read = auth::read_trusted_file(path, auth::FileAudience::secret);
  if (!read) return read.error();
  std::string content = std::move(read).value();
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
  return {boost::system::in_place_value, std::move(content)};
}

// Read even without Redis, like the other Redis options.
void read_revocation_options(const ParsedOptions& options, ServeConfig& config, Reader& read) {
  const std::string mode = options.get("revocation-failure-mode");
  if (mode != "mirror" && mode != "closed") {
    read.fail("--revocation-failure-mode must be mirror or closed");
  }
  config.revocation_failure_mode = mode == "closed" ? redis::RevocationFailureMode::closed
                                                    : redis::RevocationFailureMode::mirror;
  config.revocation_resync = read.duration("revocation-resync", std::chrono::hours(1));
  if (config.revocation_resync < std::chrono::seconds(1)) {
    read.fail("--revocation-resync must be at least 1s");
  }
}

// --oidc-issuer (with --jwks-url, --oidc-audience) and --trusted-issuers: the external issuers.
void read_federation_options(const ParsedOptions& options, ServeConfig& config, Reader& read) {
  namespace federation = auth::federation;
  config.oidc_ca_file = options.get("oidc-ca-file");
  // The CA decides whose keys we believe: planted in a writable file, it would let anyone
  // serve a JWKS of their own.
  if (!config.oidc_ca_file.empty()) {
    if (auto trusted =
            auth::check_file_trust(config.oidc_ca_file, auth::FileAudience::public_material);
        !trusted) {
      read.fail("--oidc-ca-file: " + trusted.error().message);
    }
  }
  config.jwks_min_refresh_interval =
      read.duration("jwks-min-refresh-interval", std::chrono::hours(1));
  if (config.jwks_min_refresh_interval < std::chrono::seconds(1)) {
    read.fail("--jwks-min-refresh-interval must be at least 1s");
  }
  const std::string issuer = options.get("oidc-issuer");
  const std::string jwks_url = options.get("jwks-url");
  const std::string audience = options.get("oidc-audience");
  if (!issuer.empty()) {
    if (audience.empty()) read.fail("--oidc-issuer needs --oidc-audience");
    auto trusted = federation::permissive_issuer("oidc", issuer, jwks_url, split_list(audience));
    if (auto valid = federation::validate(trusted); !valid) {
      read.fail("--oidc-issuer: " + valid.error().message);
    }
    config.trusted_issuers.push_back(std::move(trusted));
  } else if (!jwks_url.empty() || !audience.empty()) {
    read.fail("--jwks-url and --oidc-audience need --oidc-issuer (the iss to trust)");
  }
  if (const std::string file = options.get("trusted-issuers"); !file.empty()) {
    auto text = auth::read_trusted_file(file, auth::FileAudience::public_material,
                                        federation::kMaxTrustedIssuersFileBytes);
    if (!text) return read.fail("--trusted-issuers: " + text.error().message);
    simdjson::dom::parser parser;
    auto issuers = federation::parse_trusted_issuers(parser, *text);
    if (!issuers) return read.fail("--trusted-issuers: " + issuers.error().message);
    for (auto& trusted : *issuers) config.trusted_issuers.push_back(std::move(trusted));
  }
  for (const auto& trusted : config.trusted_issuers) {
    if (trusted.issuer == config.issuer) {
      read.fail("trusted issuer '" + trusted.name + "' has the local --issuer as its iss");
    }
  }
  if (config.trusted_issuers.size() > federation::kMaxTrustedIssuers) {
    read.fail("at most 16 trusted issuers");
  }
}

// The admin listener's own budget: Prometheus, the kubelet and an operator's curl need a
// handful of connections; a bound of its own keeps both listeners from starving each other.
constexpr std::uint32_t kAdminMaxConnections = 16;
constexpr std::size_t kAdminMaxBodyBytes = 1024;  // nothing it serves takes a body

void read_admin_options(const ParsedOptions& options, ServeConfig& config, Reader& read) {
  if (options.get("admin-port").empty()) return;
  http::ServerConfig admin;
  admin.host = options.get("admin-host");
  if (!net::parse_ip(admin.host)) read.fail("--admin-host must be an IPv4 or IPv6 address");
  admin.port = static_cast<std::uint16_t>(read.integer("admin-port", 0, 65535));
  if (admin.port != 0 && admin.port == config.server.port) {
    read.fail("--admin-port must differ from --port");
  }
  admin.threads = 1;
  admin.limits.max_connections = kAdminMaxConnections;
  admin.limits.max_connections_per_client = 0;  // Prometheus and the kubelet share a node
  admin.limits.max_body_bytes = kAdminMaxBodyBytes;
  config.admin = std::move(admin);
}

}  // namespace

std::span<const OptionSpec> serve_options() { return specs(); }

boost::system::result<ServeConfig, OptionError> make_serve_config(
    const ParsedOptions& options, std::chrono::system_clock::time_point now) {
  ServeConfig config;
  Reader read{options, std::nullopt};
  config.server.host = options.get("host");
  config.server.port = static_cast<std::uint16_t>(read.integer("port", 0, 65535));
  config.server.threads = static_cast<unsigned>(read.integer("threads", 0, 256));
  read_admin_options(options, config, read);
  http::ServerLimits& limits = config.server.limits;
  // 0 and kAutoPerClient: "auto", derived from RLIMIT_NOFILE at start (descriptor_budget.h).
  limits.max_connections =
      options.get("max-connections") == "auto"
          ? 0
          : static_cast<std::uint32_t>(read.integer("max-connections", 1, 1'000'000));
  limits.max_connections_per_client =
      options.get("max-connections-per-client") == "auto"
          ? kAutoPerClient
          : static_cast<std::uint32_t>(read.integer("max-connections-per-client", 0, 1'000'000));
  limits.max_body_bytes = read.integer("max-body-bytes", 1024, 16 * 1024 * 1024);
  limits.max_header_bytes = read.integer("max-header-bytes", 1024, 1024 * 1024);
  limits.header_timeout = read.duration("header-timeout", std::chrono::minutes(10));
  limits.body_timeout = read.duration("body-timeout", std::chrono::minutes(10));
  limits.idle_timeout = read.duration("idle-timeout", std::chrono::hours(1));
  limits.max_requests_per_connection =
      static_cast<std::uint32_t>(read.integer("max-requests-per-connection", 1, 100'000'000));
  config.max_text_chars = read.integer("max-text-chars", 1, 1'000'000);
  config.max_batch_texts = read.integer("max-batch-texts", 1, 100'000);
  config.users_file = options.get("users-file");
  config.keys_dir = options.get("keys-dir");
  config.signing_kid = options.get("signing-kid");
  config.issuer = options.get("issuer");
  config.audience = options.get("audience");
  if (config.issuer.empty() || config.audience.empty())
    read.fail("--issuer and --audience must not be empty");
  config.token_ttl_seconds = static_cast<std::int64_t>(read.integer("token-ttl", 60, 3600));
  config.token_leeway_seconds = static_cast<std::int64_t>(read.integer("token-leeway", 0, 300));
  config.max_concurrent_hashes = read.integer("max-concurrent-hashes", 1, 64);
  read_federation_options(options, config, read);
  config.lexicon_file = options.get("lexicon");
  config.lexicon_overrides_file = options.get("lexicon-overrides");
  // Redis options are validated even when Redis is off, so a typo never waits
  // for the day someone turns Redis on.
  auto redis_port = static_cast<std::uint16_t>(read.integer("redis-port", 1, 65535));
  std::string mode = options.get("redis-failure-mode");
  if (mode != "open" && mode != "closed") read.fail("--redis-failure-mode must be open or closed");
  read_revocation_options(options, config, read);
  if (!options.get("redis-host").empty()) {
    redis::Config redis;
    redis.host = options.get("redis-host");
    redis.port = redis_port;
    redis.username = options.get("redis-username");
    redis.password = options.get("redis-password");
    if (std::string file = options.get("redis-password-file"); !file.empty()) {
      auto secret = read_secret_file(file);
      if (!secret)
        read.fail("--redis-password-file: " + secret.error().message);
      else
        redis.password = *secret;
    }
    redis.db = static_cast<int>(read.integer("redis-db", 0, 1024));
    redis.key_prefix = options.get("redis-key-prefix");
    redis.timeout = std::chrono::milliseconds(read.integer("redis-timeout-ms", 1, 10'000));
    redis.connect_timeout = redis.timeout;
    redis.failure_mode =
        mode == "closed" ? redis::FailureMode::fail_closed : redis::FailureMode::fail_open;
    redis.fallback_replicas =
        static_cast<std::uint32_t>(read.integer("redis-fallback-replicas", 1, 1000));
    read_redis_tls(options, redis, read);
    if (auto valid = redis::validate(redis); !valid) {
      read.fail(std::string("Redis configuration rejected: ") + redis::to_string(valid.error()));
    }
    config.redis = std::move(redis);
  }
  config.rate_limits = read.on_off("rate-limits");
  config.policies.default_policy = read.policy("rate-limit-default", "default");
  config.policies.token_policy = read.policy("rate-limit-token", "token");
  config.policies.predict_policy = read.policy("rate-limit-predict", "predict");
  config.rate_limit_max_keys = read.integer("rate-limit-max-keys", 1000, 100'000'000);
  config.trusted_proxies = split_list(options.get("trusted-proxies"));
  std::string forwarding = options.get("forwarding-header");
  if (forwarding != "x-forwarded-for" && forwarding != "forwarded") {
    read.fail("--forwarding-header must be x-forwarded-for or forwarded");
  }
  config.rfc7239_forwarded = forwarding == "forwarded";
  if (auto proxies = net::TrustedProxies::parse(config.trusted_proxies); !proxies) {
    read.fail("--trusted-proxies entry " + std::to_string(proxies.error().index + 1) +
              " is not a network in CIDR form such as 10.0.0.0/8");
  }
  config.cors_origins = split_list(options.get("cors-origins"));
  config.root_path = options.get("root-path");
  if (!api::valid_root_path(config.root_path)) {
    read.fail(
        "--root-path must be empty or like /sentiment (segments of letters, digits, . _ ~ -; "
        "no trailing /)");
  }
  for (const auto& origin : config.cors_origins) {
    // An origin is scheme://host[:port]: no path, no wildcard.
    auto scheme_end = origin.find("://");
    bool has_path =
        scheme_end != std::string::npos && origin.find('/', scheme_end + 3) != std::string::npos;
    if (origin == "*" || has_path ||
        !(origin.starts_with("https://") || origin.starts_with("http://"))) {
      read.fail("--cors-origins takes explicit origins such as https://app.example (never *)");
    }
  }
  config.shutdown_delay = read.duration("shutdown-delay", std::chrono::minutes(5));
  config.shutdown_timeout = read.duration("shutdown-timeout", std::chrono::minutes(5));
  config.access_log = read.on_off("access-log");
  if (auto wrong = read_tracing_config(options, config.tracing)) read.fail(std::move(*wrong));
  // Last, so a typo elsewhere is reported without touching the key file.
  if (!read.error) configure_tls(options, now, config, read);
  if (!read.error) configure_grpc(options, config, read);
  if (read.error) return *read.error;
  return config;
}

}  // namespace smlapi::app
