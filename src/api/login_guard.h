// Brute-force defence on /token as the API sees it: failure counters per (account, source),
// per source and per account with growing back-off, shared across replicas when the rate-limit
// store is Redis, and who counts as a known caller for the hashing slots. Implemented over
// smlapi_ratelimit. `address` is the resolved client address; the guard keys it like the
// limiter (net::source_key: IPv6 per /64).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace smlapi::api {

// Whom a login attempt's password hash runs for (auth::HashingGate's admission).
struct LoginSource {
  std::string key;     // the source's rate-limit identity
  bool known = false;  // this (account, source) logged in successfully recently
};

class LoginGuard {
 public:
  virtual ~LoginGuard() = default;
  // How long the caller must wait, or nullopt when a login may be tried now.
  virtual std::optional<std::chrono::seconds> blocked(std::string_view account,
                                                      std::string_view address) = 0;
  virtual LoginSource source(std::string_view account, std::string_view address) = 0;
  virtual void failed(std::string_view account, std::string_view address) = 0;
  virtual void succeeded(std::string_view account, std::string_view address) = 0;
};

}  // namespace smlapi::api
