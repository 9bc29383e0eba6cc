#pragma once

#include <atomic>

#include "ratelimit/time.h"

namespace smlapi::ratelimit::testing {

// Controllable clock: time only moves when a test advances it.
class FakeClock final : public TimeSource {
 public:
  explicit FakeClock(TimePoint start = TimePoint{std::chrono::hours(1000)}) : now_(start) {}
  TimePoint now() const noexcept override { return now_.load(); }
  void advance(Duration by) { now_.store(now_.load() + by); }
  void set(TimePoint to) { now_.store(to); }

 private:
  std::atomic<TimePoint> now_;
};

}  // namespace smlapi::ratelimit::testing
