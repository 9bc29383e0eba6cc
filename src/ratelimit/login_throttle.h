#pragma once

#include <string>
#include <string_view>

#include "ratelimit/backoff.h"
#include "ratelimit/store.h"

namespace smlapi::ratelimit {

// Brute-force defence for credential endpoints, built so that it cannot be turned into a
// denial of service against an account's owner. Three failure counters, kept in a Store so that
// with Redis every replica sees the same counts:
//   - per (account, source): the guessing limit. It only throttles the source that guesses;
//     the owner, from anywhere else, is not affected.
//   - per source: catches spraying one password over many accounts from one source.
//   - per account: catches a botnet guessing one account from many sources; applies only to
//     sources that have not logged in to that account recently, so it never refuses the owner
//     from where they usually log in.
// A "source" is the caller's rate-limit identity (net::source_key: IPv4 address, IPv6 /64).
struct LoginThrottleConfig {
  // Per (account, source): after 5 failures, 1 s, 2 s, 4 s ... lock-outs, capped at 15 min.
  BackoffPolicy pair{};
  // Per source, across accounts: more lenient (NAT gateways share addresses), same growth.
  BackoffPolicy source{20, std::chrono::seconds(1), std::chrono::minutes(15),
                       std::chrono::hours(1)};
  // Per account, across sources (new sources only): a high threshold and a short cap, so a
  // botnet is slowed to one guess per cap and a legitimate newcomer waits at most the cap.
  BackoffPolicy account{50, std::chrono::seconds(1), std::chrono::minutes(5),
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
  // `known_source`: this source logged in to this account successfully recently (see
  // RecentLogins); the account-wide counter is then not consulted. Any counter that applies
  // being locked refuses the attempt (the longest wait is reported).
  LoginVerdict check(std::string_view account, std::string_view source, bool known_source,
                     TimePoint now);

  // A wrong password (or unknown account): counts against the pair, the source and the account.
  void record_failure(std::string_view account, std::string_view source, TimePoint now);

  // Clears the pair's counter. The source counter is kept on purpose: otherwise an attacker
  // holding one valid account could reset its source counter between guesses; the account
  // counter too, since the attacker's sources are not the owner's.
  void record_success(std::string_view account, std::string_view source);

  static std::string pair_key(std::string_view account, std::string_view source);
  static std::string source_key(std::string_view source);
  static std::string account_key(std::string_view account);

 private:
  Store& store_;
  LoginThrottleConfig config_;
};

}  // namespace smlapi::ratelimit
