// Span times from one clock read each: spans are stamped with the steady clock, and a worker's
// anchor (the wall clock minus the steady clock, read together) turns them into the Unix-epoch
// nanoseconds OTLP carries, as OpenTelemetry's SDKs anchor a trace's spans to one wall-clock
// read. The anchor is read again once a second, so the wall clock's corrections (NTP) reach the
// spans within a second, while a request's spans stay on one monotonic clock (a child never
// ends before it starts, whatever the wall clock does meanwhile).
#pragma once

#include <chrono>
#include <cstdint>

namespace smlapi::tracing {

// Steady-clock nanoseconds: what spans are stamped with.
inline std::int64_t steady_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline std::int64_t unix_nanos_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One per worker thread (not thread-safe).
class ClockAnchor {
 public:
  static constexpr std::int64_t kRefreshNanos = 1'000'000'000;

  // Unix nanoseconds minus steady nanoseconds at `steady_now`; `read_unix` (the wall clock) is
  // called only when the anchor is a second old.
  template <class ReadUnix>
  std::int64_t offset(std::int64_t steady_now, ReadUnix&& read_unix) {
    if (steady_now >= refresh_at_) {
      offset_ = read_unix() - steady_now;
      refresh_at_ = steady_now + kRefreshNanos;
    }
    return offset_;
  }
  std::int64_t offset(std::int64_t steady_now) { return offset(steady_now, unix_nanos_now); }

 private:
  std::int64_t offset_ = 0;
  std::int64_t refresh_at_ = INT64_MIN;
};

}  // namespace smlapi::tracing
