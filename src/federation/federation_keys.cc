#include "federation/federation_keys.h"

namespace smlapi::federation {

FederationKeys::FederationKeys(std::size_t issuers)
    : wanted_(std::make_unique<std::atomic<bool>[]>(issuers)), issuers_(issuers) {
  auto first = std::make_shared<FederationSnapshot>();
  first->number = 1;
  first->keys.resize(issuers);
  current_.store(std::move(first));
  generation_.store(1, std::memory_order_release);
}

void FederationKeys::publish(std::size_t index, std::shared_ptr<const auth::KeySet> keys) {
  std::lock_guard lock(mutex_);
  const auto previous = current_.load();
  auto next = std::make_shared<FederationSnapshot>(*previous);
  next->number = previous->number + 1;
  next->keys.at(index) = std::move(keys);
  const std::uint64_t number = next->number;
  current_.store(std::move(next));
  generation_.store(number, std::memory_order_release);  // after current_, as KeysSource does
}

void FederationKeys::request_refresh(std::size_t index) {
  if (index >= issuers_ || wanted_[index].exchange(true)) return;
  wake();
}

bool FederationKeys::take_refresh_request(std::size_t index) {
  return wanted_[index].exchange(false);
}

bool FederationKeys::refresh_requested(std::size_t index) const { return wanted_[index].load(); }

void FederationKeys::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wakeup_.notify_one();
}

void FederationKeys::wait_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  wakeup_.wait_until(lock, deadline, [this] { return woken_; });
  woken_ = false;
}

}  // namespace smlapi::federation
