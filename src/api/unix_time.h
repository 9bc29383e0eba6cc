// Wall-clock seconds since the Unix epoch, as JWT claims count time.
#pragma once

#include <chrono>
#include <cstdint>

namespace smlapi::api {

inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace smlapi::api
