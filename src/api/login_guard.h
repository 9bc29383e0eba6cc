// Brute-force defence on /token as the API sees it: per-account and
// per-address failure counters with growing back-off, shared across replicas
// when the rate-limit store is Redis. Implemented over smlapi_ratelimit.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace smlapi::api {

class LoginGuard {
 public:
  virtual ~LoginGuard() = default;
  // How long the caller must wait, or nullopt when a login may be tried now.
  virtual std::optional<std::chrono::seconds> blocked(std::string_view account,
                                                      std::string_view address) = 0;
  virtual void failed(std::string_view account, std::string_view address) = 0;
  virtual void succeeded(std::string_view account, std::string_view address) = 0;
};

}  // namespace smlapi::api
