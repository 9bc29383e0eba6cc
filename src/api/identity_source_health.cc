#include "api/identity_source_health.h"

namespace smlapi::api {

IdentitySourceHealth::IdentitySourceHealth(std::string subject, Clock::duration min_gap,
                                           Clock::duration reminder)
    : subject_(std::move(subject)), min_gap_(min_gap), reminder_(reminder) {}

std::optional<SourceNote> IdentitySourceHealth::observe(const ReloadResult& result,
                                                        Clock::time_point now,
                                                        std::int64_t unix_now) {
  switch (result.outcome) {
    case ReloadResult::Outcome::unchanged:
      return tick(now);
    case ReloadResult::Outcome::loaded: {
      const bool recovered = degraded_;
      degraded_ = false;
      suppressed_ = 0;
      last_success_unix_ = unix_now;
      std::string message = subject_ + (recovered ? " recovered, loaded: " : " loaded: ");
      return SourceNote{"info", "ok", message + result.detail};
    }
    case ReloadResult::Outcome::failed:
      break;
  }
  const bool was_degraded = degraded_;
  degraded_ = true;
  ++failures_;
  last_reason_ = result.detail;
  // Becoming degraded is always logged; further failures (a file rewritten every tick while
  // still bad) at most once per min_gap.
  if (was_degraded && last_logged_ && now - *last_logged_ < min_gap_) {
    ++suppressed_;
    return std::nullopt;
  }
  last_logged_ = now;
  std::string message = subject_ + " not loaded, keeping the previous one: " + result.detail;
  if (suppressed_ != 0) {
    message += " (" + std::to_string(suppressed_) + " more failed reloads not logged)";
    suppressed_ = 0;
  }
  return SourceNote{"error", "degraded", std::move(message)};
}

std::optional<SourceNote> IdentitySourceHealth::tick(Clock::time_point now) {
  if (!degraded_ || (last_logged_ && now - *last_logged_ < reminder_)) return std::nullopt;
  last_logged_ = now;
  return SourceNote{"error", "degraded",
                    subject_ + " still not loaded, serving the previous one: " + last_reason_};
}

}  // namespace smlapi::api
