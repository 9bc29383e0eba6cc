// Protocol limits and timeouts of the HTTP layer, in one place so operators and
// reviewers see every bound the server enforces against slow or hostile clients.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace smlapi::http {

struct ServerLimits {
  std::size_t max_header_bytes = 16 * 1024;            // request line + all fields -> 431 beyond
  std::size_t max_header_fields = 100;                 // -> 431 beyond
  std::size_t max_target_bytes = 4096;                 // request-target length -> 414 beyond
  std::size_t max_body_bytes = 64 * 1024;              // -> 413 beyond
  std::chrono::milliseconds header_timeout{10'000};    // whole header, not per byte (slow-loris)
  std::chrono::milliseconds body_timeout{10'000};      // whole body after the header
  std::chrono::milliseconds idle_timeout{30'000};      // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{10'000};     // the client must read our answer
  std::uint32_t max_requests_per_connection = 10'000;  // then "Connection: close"
  std::uint32_t max_connections = 10'000;              // across all workers; beyond: 503 + close
};

}  // namespace smlapi::http
