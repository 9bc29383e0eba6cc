#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ratelimit/time.h"

namespace smlapi::ratelimit {

// The (account, source) pairs that logged in successfully recently: an account's owner where
// they usually log in. The login defences treat these as known: the account-wide failure counter
// does not apply to them and a share of the password-hashing slots is kept for them, so a flood
// from elsewhere cannot lock or starve the owner. Only a correct password adds a pair, so an
// attacker cannot make a source known for an account it cannot log in to.
//
// In-process (each replica learns its own pairs) and bounded: when full, the pair seen least
// recently is forgotten (that owner is then treated as a new source, nothing more). Thread-safe.
class RecentLogins {
 public:
  explicit RecentLogins(std::size_t capacity = 100'000,
                        Duration remember_for = std::chrono::hours(24 * 30));

  void remember(std::string_view account, std::string_view source, TimePoint now);
  bool known(std::string_view account, std::string_view source, TimePoint now) const;
  std::size_t size() const;

 private:
  struct Seen {
    TimePoint at;
    std::list<std::string>::iterator order;
  };
  static std::string key_of(std::string_view account, std::string_view source);

  std::size_t capacity_;
  Duration remember_for_;
  mutable std::mutex mutex_;
  std::list<std::string> order_;  // most recently seen first
  std::unordered_map<std::string, Seen> seen_;
};

}  // namespace smlapi::ratelimit
