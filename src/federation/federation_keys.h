// The external issuers' current keys as workers see them: an immutable snapshot behind an atomic
// shared_ptr, numbered like KeysSource's generations (api/keys_source.h). A worker compares the
// number on each federated verification (one atomic load) and never waits for the network: the
// fetcher thread (jwks_fetcher.h) publishes, workers only read, and ask for a refresh when a
// token names a kid the snapshot does not know.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "auth/key_set.h"

namespace smlapi::federation {

struct FederationSnapshot {
  std::uint64_t number = 0;
  // By issuer index (the order of the trusted issuers); null until that issuer's first JWKS.
  std::vector<std::shared_ptr<const auth::KeySet>> keys;
};

class FederationKeys {
 public:
  explicit FederationKeys(std::size_t issuers);

  std::shared_ptr<const FederationSnapshot> current() const { return current_.load(); }
  std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }

  // Fetcher thread: replaces one issuer's keys.
  void publish(std::size_t index, std::shared_ptr<const auth::KeySet> keys);

  // Any thread (workers): asks for `index`'s keys to be fetched again. Non-blocking in the
  // common case: only the first request after a refresh takes a lock to wake the fetcher, so a
  // flood of tokens with made-up kids costs one atomic exchange each.
  void request_refresh(std::size_t index);

  // Fetcher thread: whether a refresh of `index` was asked for, clearing the request.
  bool take_refresh_request(std::size_t index);
  bool refresh_requested(std::size_t index) const;

  // Fetcher thread: sleeps until `deadline`, a refresh request, or wake().
  void wait_until(std::chrono::steady_clock::time_point deadline);
  void wake();

 private:
  std::atomic<std::shared_ptr<const FederationSnapshot>> current_;
  std::atomic<std::uint64_t> generation_{0};
  std::unique_ptr<std::atomic<bool>[]> wanted_;
  std::size_t issuers_;
  std::mutex mutex_;  // publish, and the fetcher's sleep
  std::condition_variable wakeup_;
  bool woken_ = false;
};

}  // namespace smlapi::federation
