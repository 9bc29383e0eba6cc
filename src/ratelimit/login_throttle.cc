#include "ratelimit/login_throttle.h"

#include <algorithm>
#include <string>

namespace smlapi::ratelimit {
namespace {

// Degraded sources (fallback / unavailable) win over `store` so callers see the degradation.
DecisionSource worse(DecisionSource a, DecisionSource b) noexcept { return std::max(a, b); }

}  // namespace

// The source comes first: it never contains '|', so "<source>|<account>" is unambiguous
// whatever the account name holds.
std::string LoginThrottle::pair_key(std::string_view account, std::string_view source) {
  std::string key = "bf:pair:";
  key.append(source).push_back('|');
  key.append(account);
  return key;
}

std::string LoginThrottle::source_key(std::string_view source) {
  std::string key = "bf:src:";
  key.append(source);
  return key;
}

std::string LoginThrottle::account_key(std::string_view account) {
  std::string key = "bf:acct:";
  key.append(account);
  return key;
}

LoginVerdict LoginThrottle::check(std::string_view account, std::string_view source,
                                  bool known_source, TimePoint now) {
  const Lockout by_pair = store_.lockout(pair_key(account, source), now);
  const Lockout by_source = store_.lockout(source_key(source), now);
  // The owner's usual source skips the account-wide counter: a botnet cannot lock them out.
  const Lockout by_account = known_source ? Lockout{} : store_.lockout(account_key(account), now);
  LoginVerdict verdict;
  verdict.source = worse(worse(by_pair.source, by_source.source), by_account.source);
  verdict.retry_after =
      std::max({by_pair.retry_after, by_source.retry_after, by_account.retry_after});
  if (verdict.source == DecisionSource::store_unavailable) {
    verdict.allowed = false;
    return verdict;
  }
  verdict.allowed = verdict.retry_after == Duration::zero();
  return verdict;
}

void LoginThrottle::record_failure(std::string_view account, std::string_view source,
                                   TimePoint now) {
  store_.record_failure(pair_key(account, source), config_.pair, now);
  store_.record_failure(source_key(source), config_.source, now);
  store_.record_failure(account_key(account), config_.account, now);
}

void LoginThrottle::record_success(std::string_view account, std::string_view source) {
  store_.clear_failures(pair_key(account, source));
}

}  // namespace smlapi::ratelimit
