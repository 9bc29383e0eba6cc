#include "auth/hashing_gate.h"

#include <algorithm>
#include <utility>

namespace smlapi::auth {

HashingGate::Permit& HashingGate::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    if (gate_ != nullptr) gate_->release();
    gate_ = std::exchange(other.gate_, nullptr);
  }
  return *this;
}

HashingGate::Permit::~Permit() {
  if (gate_ != nullptr) gate_->release();
}

HashingGate::HashingGate(std::size_t max_concurrent)
    : capacity_(std::max<std::size_t>(1, max_concurrent)) {}

std::optional<HashingGate::Permit> HashingGate::try_acquire() noexcept {
  std::size_t current = in_use_.load(std::memory_order_relaxed);
  do {
    if (current >= capacity_) return std::nullopt;
  } while (!in_use_.compare_exchange_weak(current, current + 1, std::memory_order_acq_rel,
                                          std::memory_order_relaxed));
  return Permit(this);
}

}  // namespace smlapi::auth
