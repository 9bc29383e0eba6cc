// The API layer's one source of time, handed in by the wiring like every other dependency, so
// tests can drive token expiry and rate-limit refills without sleeping. The libraries below
// (ratelimit, auth) already take time as an argument; this is where the API reads it.
#pragma once

#include "ratelimit/time.h"

#include <chrono>
#include <cstdint>

namespace smlapi::api {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic: request durations, rate limits, the login throttle.
  virtual ratelimit::TimePoint steady() const noexcept = 0;
  // Wall-clock seconds since the Unix epoch, as JWT claims and the deny-list count time.
  virtual std::int64_t unix_seconds() const noexcept = 0;
};

class SystemClock final : public Clock {
 public:
  ratelimit::TimePoint steady() const noexcept override { return std::chrono::steady_clock::now(); }
  std::int64_t unix_seconds() const noexcept override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace smlapi::api
