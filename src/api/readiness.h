// What /readyz reports: the model is loaded, the service is not draining, and
// every configured dependency (Redis) answers. Shared across threads (atomics).
// A degraded source (the users file, key directory or lexicon files failed to reload and its
// last good state is being served) does not make the replica unready: every replica reads the same
// Secret, so pulling them all out of the load balancer would turn a bad push into an outage
// while the last good identities still work. /readyz names it instead ("degraded").
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <functional>

namespace smlapi::api {

enum class DegradedSource : std::size_t { users_file, keys_dir, lexicon, count_ };

class Readiness {
 public:
  void set_degraded(DegradedSource source, bool degraded) {
    degraded_[static_cast<std::size_t>(source)].store(degraded, std::memory_order_relaxed);
  }
  bool degraded(DegradedSource source) const {
    return degraded_[static_cast<std::size_t>(source)].load(std::memory_order_relaxed);
  }
  void set_model_loaded(bool loaded) { model_loaded_.store(loaded, std::memory_order_relaxed); }
  void set_draining() { draining_.store(true, std::memory_order_relaxed); }
  void set_store_healthy(bool healthy) { store_healthy_.store(healthy, std::memory_order_relaxed); }
  void set_store_required(bool required) { store_required_ = required; }

  bool model_loaded() const { return model_loaded_.load(std::memory_order_relaxed); }
  bool draining() const { return draining_.load(std::memory_order_relaxed); }
  bool store_ok() const {
    return !store_required_ || store_healthy_.load(std::memory_order_relaxed);
  }
  bool ready() const { return model_loaded() && !draining() && store_ok(); }

 private:
  std::atomic<bool> model_loaded_{false};
  std::atomic<bool> draining_{false};
  std::atomic<bool> store_healthy_{true};
  bool store_required_ = false;
  std::array<std::atomic<bool>, static_cast<std::size_t>(DegradedSource::count_)> degraded_{};
};

}  // namespace smlapi::api
