// Keeps each trusted issuer's keys current, on its own thread (never a worker's or the event
// loop's): discovery first when the issuer has no jwks_url, then the JWKS, over HttpsClient.
// Keys are fetched again when the answer's Cache-Control max-age runs out (cache_control.h),
// and early when a worker saw a token with an unknown kid (a provider's key rotation), at most
// once per min_refresh_interval per issuer so made-up kids cannot make us hammer the provider.
// A failed fetch or an unusable document keeps the last good keys and is retried after
// min_refresh_interval; each outcome is logged.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "auth/federation/https_url.h"
#include "auth/federation/trusted_issuer.h"
#include "federation/federation_keys.h"
#include "federation/https_client.h"

namespace smlapi::federation {

inline constexpr std::chrono::seconds kDefaultMinRefreshInterval{30};

using FederationLog =
    std::function<void(std::string_view level, std::string_view event, std::string_view message)>;

class JwksFetcher {
 public:
  JwksFetcher(std::vector<auth::federation::TrustedIssuer> issuers, HttpsClient client,
              std::shared_ptr<FederationKeys> keys, std::chrono::seconds min_refresh_interval,
              FederationLog log);
  ~JwksFetcher();
  JwksFetcher(const JwksFetcher&) = delete;
  JwksFetcher& operator=(const JwksFetcher&) = delete;

  // Starts the thread, which fetches every issuer's keys at once.
  void start();
  void stop();

 private:
  struct IssuerState {
    std::optional<auth::federation::HttpsUrl> jwks_url;  // configured or discovered
    std::chrono::steady_clock::time_point next_due{};
    std::chrono::steady_clock::time_point last_attempt{};
    bool attempted = false;
  };

  void run();
  // One refresh of issuer `index`; returns when the next regular one is due.
  std::chrono::steady_clock::duration refresh(std::size_t index);
  boost::system::result<auth::federation::HttpsUrl, auth::Error> jwks_url_of(std::size_t index);
  std::chrono::steady_clock::time_point next_wakeup() const;

  std::vector<auth::federation::TrustedIssuer> issuers_;
  HttpsClient client_;
  std::shared_ptr<FederationKeys> keys_;
  std::chrono::seconds min_refresh_interval_;
  FederationLog log_;
  std::vector<IssuerState> states_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace smlapi::federation
