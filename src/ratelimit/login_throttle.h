#pragma once

#include <string_view>

#include "ratelimit/backoff.h"
#include "ratelimit/store.h"

namespace smlapi::ratelimit {

// Brute-force defence for credential endpoints: independent failure counters per account and
// per client address, kept in a Store so that with Redis every replica sees the same counters
// (guessing across replicas is as slow as against one).
struct LoginThrottleConfig {
  // Per account: after 5 failures, 1 s, 2 s, 4 s ... lock-outs, capped at 15 min.
  BackoffPolicy account{};
  // Per address: more lenient (NAT gateways share addresses), same growth.
  BackoffPolicy address{20, std::chrono::seconds(1), std::chrono::minutes(15),
                        std::chrono::hours(1)};
};

struct LoginVerdict {
  bool allowed = true;
  Duration retry_after{};  // > 0 when not allowed
  DecisionSource source = DecisionSource::store;
};

class LoginThrottle {
 public:
  LoginThrottle(Store& store, LoginThrottleConfig config) : store_(store), config_(config) {}

  // Call before verifying credentials; a refused attempt must not reach the password check.
  // Either counter being locked refuses the attempt (the longer wait is reported).
  LoginVerdict check(std::string_view account, std::string_view address, TimePoint now);

  // A wrong password (or unknown account): counts against both the account and the address.
  void record_failure(std::string_view account, std::string_view address, TimePoint now);

  // Clears the account's counter. The address counter is kept on purpose: otherwise an attacker
  // holding one valid account could reset its address counter between guesses.
  void record_success(std::string_view account);

  static std::string account_key(std::string_view account);
  static std::string address_key(std::string_view address);

 private:
  Store& store_;
  LoginThrottleConfig config_;
};

}  // namespace smlapi::ratelimit
