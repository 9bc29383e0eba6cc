#include "ratelimit/login_throttle.h"

#include <algorithm>
#include <string>

namespace smlapi::ratelimit {
namespace {

// Degraded sources (fallback / unavailable) win over `store` so callers see the degradation.
DecisionSource worse(DecisionSource a, DecisionSource b) noexcept { return std::max(a, b); }

}  // namespace

std::string LoginThrottle::account_key(std::string_view account) {
  std::string key = "bf:acct:";
  key.append(account);
  return key;
}

std::string LoginThrottle::address_key(std::string_view address) {
  std::string key = "bf:addr:";
  key.append(address);
  return key;
}

LoginVerdict LoginThrottle::check(std::string_view account, std::string_view address,
                                  TimePoint now) {
  const Lockout by_account = store_.lockout(account_key(account), now);
  const Lockout by_address = store_.lockout(address_key(address), now);
  LoginVerdict verdict;
  verdict.source = worse(by_account.source, by_address.source);
  if (verdict.source == DecisionSource::store_unavailable) {
    verdict.allowed = false;
    verdict.retry_after = std::max(by_account.retry_after, by_address.retry_after);
    return verdict;
  }
  verdict.retry_after = std::max(by_account.retry_after, by_address.retry_after);
  verdict.allowed = verdict.retry_after == Duration::zero();
  return verdict;
}

void LoginThrottle::record_failure(std::string_view account, std::string_view address,
                                   TimePoint now) {
  store_.record_failure(account_key(account), config_.account, now);
  store_.record_failure(address_key(address), config_.address, now);
}

void LoginThrottle::record_success(std::string_view account) {
  store_.clear_failures(account_key(account));
}

}  // namespace smlapi::ratelimit
