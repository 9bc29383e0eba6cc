// What /readyz reports: the model is loaded, the service is not draining, and
// every configured dependency (Redis) answers. Shared across threads (atomics).
#pragma once

#include <atomic>
#include <functional>

namespace smlapi::api {

class Readiness {
 public:
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
};

}  // namespace smlapi::api
