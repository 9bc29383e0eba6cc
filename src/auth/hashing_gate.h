// Bounds how many password hashes run at once. Each Argon2id call holds ~19 MiB and a core for
// tens of milliseconds; without a bound, a burst of login attempts exhausts memory and CPU for
// everyone. A caller that gets no permit answers 503 (with Retry-After) instead of queueing.
//
// Admission is fair across sources, so that callers from many addresses cannot starve an
// account's owner:
//   - one source (net::source_key: IPv4 address, IPv6 /64) holds at most one slot for unknown
//     callers and one for known callers at a time;
//   - `reserved()` slots (half, rounded down) are kept for known callers: (account, source)
//     pairs that logged in successfully recently. Unknown callers share the rest.
// Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smlapi::auth {

class HashingGate {
 public:
  // Releases its slot when destroyed. Move-only.
  class Permit {
   public:
    Permit(Permit&& other) noexcept
        : gate_(std::exchange(other.gate_, nullptr)), slot_(other.slot_) {}
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit();

   private:
    friend class HashingGate;
    Permit(HashingGate* gate, std::size_t slot) : gate_(gate), slot_(slot) {}
    HashingGate* gate_;
    std::size_t slot_;
  };

  // `max_concurrent` >= 1 (0 is treated as 1).
  explicit HashingGate(std::size_t max_concurrent);

  // A permit for a hash on behalf of `source` (empty: no per-source rule), or std::nullopt when
  // the slots this caller may use are all held. `known`: the caller's (account, source) logged
  // in successfully recently. Never blocks.
  std::optional<Permit> try_acquire(std::string_view source, bool known);
  // A caller with no source and no history (tools, tests).
  std::optional<Permit> try_acquire() { return try_acquire({}, false); }

  std::size_t in_use() const;
  std::size_t capacity() const noexcept { return slots_.size(); }
  std::size_t reserved() const noexcept { return reserved_; }

 private:
  struct Slot {
    bool used = false;
    bool known = false;
    std::string source;
  };
  bool admits(std::string_view source, bool known) const;  // mutex_ held
  void release(std::size_t slot) noexcept;

  std::size_t reserved_;
  mutable std::mutex mutex_;
  std::vector<Slot> slots_;
  std::size_t in_use_ = 0;
  std::size_t unknown_in_use_ = 0;
};

}  // namespace smlapi::auth
