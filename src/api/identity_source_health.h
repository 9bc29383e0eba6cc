// Whether the users file or the key directory is in a degraded state, and what to say about it.
// A reload that finds the source missing, corrupt or untrusted keeps the last good identities
// (the previous store or key generation stays live) but must never be silent: the source is
// then "degraded" until a load succeeds, which the wiring shows in the log, in metrics and in
// /readyz's body (see docs/operations.md). Pure: time is passed in; not thread-safe (the
// housekeeping thread owns it).
#pragma once

#include "api/credentials_source.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace smlapi::api {

// One log line to write about a source.
struct SourceNote {
  std::string level;    // "error" or "info"
  std::string state;    // "degraded" or "ok"
  std::string message;  // names the source and the rule that failed; never the contents
};

class IdentitySourceHealth {
 public:
  using Clock = std::chrono::steady_clock;
  // `subject` names the source in messages ("users file"). Becoming degraded and recovering are
  // always logged; while degraded, a further failed reload at most once per `min_gap`, and a
  // reminder every `reminder`.
  explicit IdentitySourceHealth(std::string subject,
                                Clock::duration min_gap = std::chrono::seconds(10),
                                Clock::duration reminder = std::chrono::minutes(1));

  // A reload's outcome at `now` (`unix_now` for the last-success time); the line to log, if any.
  std::optional<SourceNote> observe(const ReloadResult& result, Clock::time_point now,
                                    std::int64_t unix_now);
  // A housekeeping tick without a reload outcome worth reporting: the periodic reminder.
  std::optional<SourceNote> tick(Clock::time_point now);

  bool degraded() const { return degraded_; }
  std::uint64_t failures() const { return failures_; }
  std::int64_t last_success_unix() const { return last_success_unix_; }

 private:
  std::string subject_;
  Clock::duration min_gap_;
  Clock::duration reminder_;
  bool degraded_ = false;
  std::uint64_t failures_ = 0;
  std::uint64_t suppressed_ = 0;  // failed reloads not logged because of min_gap
  std::int64_t last_success_unix_ = 0;
  std::string last_reason_;
  std::optional<Clock::time_point> last_logged_;  // last "degraded" line
};

}  // namespace smlapi::api
