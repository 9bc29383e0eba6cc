// Protocol limits and timeouts of the HTTP layer: every bound the server enforces against slow
// or hostile clients. Defaults in common/limits.h, with every other limit of the service.
#pragma once

#include "common/limits.h"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace smlapi::http {

struct ServerLimits {
  std::size_t max_header_bytes = limits::kMaxHeaderBytes;             // request line + fields: 431
  std::size_t max_header_fields = limits::kMaxHeaderFields;           // 431
  std::size_t max_target_bytes = limits::kMaxTargetBytes;             // request-target length: 414
  std::size_t max_body_bytes = limits::kMaxBodyBytes;                 // 413
  std::chrono::milliseconds header_timeout = limits::kHeaderTimeout;  // whole header (slow-loris)
  std::chrono::milliseconds body_timeout = limits::kBodyTimeout;      // whole body after header
  std::chrono::milliseconds idle_timeout = limits::kIdleTimeout;      // keep-alive wait
  std::chrono::milliseconds write_timeout = limits::kWriteTimeout;    // the client reads our answer
  std::uint32_t max_requests_per_connection = limits::kMaxRequestsPerConnection;  // then close
  std::uint32_t max_connections = limits::kMaxConnections;  // all workers; beyond: 503 + close
  std::uint32_t max_connections_per_client = 0;             // one address or IPv6 /64; 0: no cap
};

}  // namespace smlapi::http
