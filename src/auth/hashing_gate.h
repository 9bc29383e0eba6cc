// Bounds how many password hashes run at once. Each Argon2id call holds ~19 MiB and a core for
// tens of milliseconds; without a bound, a burst of login attempts exhausts memory and CPU for
// everyone. A caller that gets no permit answers 503 (with Retry-After) instead of queueing.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <utility>

namespace smlapi::auth {

class HashingGate {
 public:
  // Releases its slot when destroyed. Move-only.
  class Permit {
   public:
    Permit(Permit&& other) noexcept : gate_(std::exchange(other.gate_, nullptr)) {}
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit();

   private:
    friend class HashingGate;
    explicit Permit(HashingGate* gate) : gate_(gate) {}
    HashingGate* gate_;
  };

  // `max_concurrent` >= 1 (0 is treated as 1).
  explicit HashingGate(std::size_t max_concurrent);

  // A permit if fewer than max_concurrent are held, std::nullopt otherwise. Never blocks.
  std::optional<Permit> try_acquire() noexcept;

  std::size_t in_use() const noexcept { return in_use_.load(std::memory_order_relaxed); }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  void release() noexcept { in_use_.fetch_sub(1, std::memory_order_acq_rel); }

  const std::size_t capacity_;
  std::atomic<std::size_t> in_use_{0};
};

}  // namespace smlapi::auth
