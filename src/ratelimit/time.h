#pragma once

#include <chrono>

namespace smlapi::ratelimit {

// All rate-limit arithmetic is done in nanoseconds of a monotonic clock. Time is always passed
// in (never read inside the algorithms) so tests can drive it with a fake clock.
using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;

// Source of "now" for components that must read time themselves (reconnect back-off).
class TimeSource {
 public:
  virtual ~TimeSource() = default;
  virtual TimePoint now() const noexcept = 0;
};

class SteadyTimeSource final : public TimeSource {
 public:
  TimePoint now() const noexcept override { return std::chrono::steady_clock::now(); }
};

}  // namespace smlapi::ratelimit
