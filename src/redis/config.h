#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/system/result.hpp>

namespace boost::asio::ssl {
class context;
}

namespace smlapi::redis {

// What RedisStore does when Redis cannot answer in time (down, slow, auth failure).
enum class FailureMode {
  // Answer from a local in-process limiter (Decision::source == fallback) with each limit divided
  // by `fallback_replicas`, so N replicas together stay near the shared limit.
  fail_open,
  // Deny (Decision::source == store_unavailable): the caller answers 503 with Retry-After.
  fail_closed,
};

struct Config {
  std::string host = "127.0.0.1";  // an IP address avoids a (blocking) DNS lookup on reconnect
  std::uint16_t port = 6379;
  std::string username;  // Redis 6+ ACL user; empty: AUTH <password> (requirepass)
  std::string password;  // empty: no AUTH. Never logged: describe() leaves it out
  int db = 0;            // SELECT db (0..15 on a default server)
  std::string key_prefix = "smlapi:";
  std::chrono::milliseconds timeout{50};          // per command (socket send/receive timeout)
  std::chrono::milliseconds connect_timeout{50};  // TCP connect
  // TLS (ElastiCache in-transit encryption, redis-server --tls-port): the client context built
  // once by enable_tls() (redis/tls.h) for every connection. Null: plain TCP.
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::string tls_server_name;  // the name the certificate must carry (and SNI); empty: host
  // A connection is usable only once ROLE says "master": after a failover the endpoint may
  // still reach the old primary, now a replica. false: any node (tools and tests).
  bool require_primary = true;
  FailureMode failure_mode = FailureMode::fail_open;
  std::uint32_t fallback_replicas = 1;
  // One connection per worker thread: make this >= the number of threads calling the store.
  std::uint32_t connections = 8;
  // Reconnect back-off per connection: doubles from min to max while Redis stays down.
  std::chrono::milliseconds reconnect_min{100};
  std::chrono::milliseconds reconnect_max{5000};
  // Retry-After reported on fail-closed denials.
  std::chrono::seconds unavailable_retry_after{1};
  // Longer keys are compacted (see ratelimit/key.h).
  std::size_t max_key_bytes = 128;
};

enum class ConfigError {
  bad_host,
  bad_port,
  bad_db,
  bad_key_prefix,
  bad_timeout,
  bad_connections,
  bad_fallback_replicas,
};

const char* to_string(ConfigError error) noexcept;

boost::system::result<void, ConfigError> validate(const Config& config);

// "redis://user@host:port/db prefix=..." for logs; never contains the password.
std::string describe(const Config& config);

}  // namespace smlapi::redis
