// How often a refused HTTP request (400, 408, 411, 413, 414, 431) may write a log line: at most
// one per client per second, with the number of refusals left out since. Without a bound, a
// client sending garbage as fast as it can would turn the log into its own flood; without a
// line, refusals were invisible (the review's finding). One for all workers, so every refusal of
// a client is accounted for in its lines; thread-safe (refusals are rare, a mutex is cheap).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace smlapi::api {

class RefusalLogLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kInterval{1};
  static constexpr std::size_t kMaxClients = 1024;

  // The number of refusals of `client` that were not logged since its last line, when a line
  // may be written now; std::nullopt when this refusal is only counted.
  std::optional<std::uint64_t> admit(std::string_view client, Clock::time_point now);

 private:
  struct Entry {
    Clock::time_point last;
    std::uint64_t suppressed = 0;
  };
  void forget_quiet_clients(Clock::time_point now);

  std::mutex mutex_;
  std::unordered_map<std::string, Entry> clients_;
  // Refusals of clients that found the table full: logged with the next line that is written.
  std::uint64_t overflow_ = 0;
};

}  // namespace smlapi::api
