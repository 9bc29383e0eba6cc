#include "auth/hashing_gate.h"

#include <algorithm>
#include <utility>

namespace smlapi::auth {

HashingGate::Permit& HashingGate::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    if (gate_ != nullptr) gate_->release(slot_);
    gate_ = std::exchange(other.gate_, nullptr);
    slot_ = other.slot_;
  }
  return *this;
}

HashingGate::Permit::~Permit() {
  if (gate_ != nullptr) gate_->release(slot_);
}

HashingGate::HashingGate(std::size_t max_concurrent)
    : reserved_(std::max<std::size_t>(1, max_concurrent) / 2),
      slots_(std::max<std::size_t>(1, max_concurrent)) {}

bool HashingGate::admits(std::string_view source, bool known) const {
  if (in_use_ >= slots_.size()) return false;
  // Unknown callers never take the slots kept for known ones.
  if (!known && unknown_in_use_ >= slots_.size() - reserved_) return false;
  if (source.empty()) return true;
  // One hash in flight per source and kind: many requests from one /64 hold one slot.
  return std::none_of(slots_.begin(), slots_.end(), [&](const Slot& slot) {
    return slot.used && slot.known == known && slot.source == source;
  });
}

std::optional<HashingGate::Permit> HashingGate::try_acquire(std::string_view source, bool known) {
  const std::lock_guard lock(mutex_);
  if (!admits(source, known)) return std::nullopt;
  const auto free =
      std::find_if(slots_.begin(), slots_.end(), [](const Slot& slot) { return !slot.used; });
  free->used = true;
  free->known = known;
  free->source.assign(source);
  ++in_use_;
  if (!known) ++unknown_in_use_;
  return Permit(this, static_cast<std::size_t>(free - slots_.begin()));
}

std::size_t HashingGate::in_use() const {
  const std::lock_guard lock(mutex_);
  return in_use_;
}

void HashingGate::release(std::size_t slot) noexcept {
  const std::lock_guard lock(mutex_);
  Slot& released = slots_[slot];
  released.used = false;
  if (!released.known) --unknown_in_use_;
  --in_use_;
}

}  // namespace smlapi::auth
