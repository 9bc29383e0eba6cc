#include "redis/config.h"

#include <algorithm>

namespace smlapi::redis {
namespace {

constexpr std::size_t kMaxKeyPrefix = 64;
constexpr std::uint32_t kMaxConnections = 1024;

bool printable_without_space(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7F; });
}

}  // namespace

const char* to_string(ConfigError error) noexcept {
  switch (error) {
    case ConfigError::bad_host:
      return "redis host must be a non-empty host name or IP address";
    case ConfigError::bad_port:
      return "redis port must be 1..65535";
    case ConfigError::bad_db:
      return "redis db must be >= 0";
    case ConfigError::bad_key_prefix:
      return "redis key prefix must be 0..64 printable characters without spaces";
    case ConfigError::bad_timeout:
      return "redis timeouts must be > 0 and reconnect_min <= reconnect_max";
    case ConfigError::bad_connections:
      return "redis connections must be 1..1024";
    case ConfigError::bad_fallback_replicas:
      return "redis fallback_replicas must be >= 1";
  }
  return "unknown redis configuration error";
}

boost::system::result<void, ConfigError> validate(const Config& config) {
  if (config.host.empty() || !printable_without_space(config.host)) return ConfigError::bad_host;
  if (config.port == 0) return ConfigError::bad_port;
  if (config.db < 0) return ConfigError::bad_db;
  if (config.key_prefix.size() > kMaxKeyPrefix || !printable_without_space(config.key_prefix)) {
    return ConfigError::bad_key_prefix;
  }
  if (config.timeout.count() <= 0 || config.connect_timeout.count() <= 0 ||
      config.reconnect_min.count() <= 0 || config.reconnect_min > config.reconnect_max) {
    return ConfigError::bad_timeout;
  }
  if (config.connections == 0 || config.connections > kMaxConnections) {
    return ConfigError::bad_connections;
  }
  if (config.fallback_replicas == 0) return ConfigError::bad_fallback_replicas;
  return {};
}

std::string describe(const Config& config) {
  std::string out = config.tls ? "rediss://" : "redis://";
  if (!config.username.empty()) out.append(config.username).append("@");
  out.append(config.host).append(":").append(std::to_string(config.port));
  out.append("/").append(std::to_string(config.db));
  out.append(" prefix=").append(config.key_prefix);
  out.append(config.password.empty() ? " auth=none" : " auth=password");
  return out;
}

}  // namespace smlapi::redis
