#include "ratelimit/recent_logins.h"

#include <algorithm>

#include "ratelimit/key.h"

namespace smlapi::ratelimit {

namespace {
constexpr std::size_t kMaxKeyBytes = 128;  // as the stores: names are client-chosen
}  // namespace

RecentLogins::RecentLogins(std::size_t capacity, Duration remember_for)
    : capacity_(std::max<std::size_t>(capacity, 1)), remember_for_(remember_for) {}

std::string RecentLogins::key_of(std::string_view account, std::string_view source) {
  std::string key(source);
  key.push_back('|');  // never in a source: the pair is unambiguous
  key.append(account);
  std::string scratch;
  return std::string(bounded_key(key, kMaxKeyBytes, scratch));
}

void RecentLogins::remember(std::string_view account, std::string_view source, TimePoint now) {
  std::string key = key_of(account, source);
  const std::lock_guard lock(mutex_);
  if (const auto found = seen_.find(key); found != seen_.end()) {
    order_.splice(order_.begin(), order_, found->second.order);
    found->second.at = now;
    return;
  }
  if (seen_.size() >= capacity_) {
    seen_.erase(order_.back());
    order_.pop_back();
  }
  order_.push_front(key);
  seen_.emplace(std::move(key), Seen{now, order_.begin()});
}

bool RecentLogins::known(std::string_view account, std::string_view source, TimePoint now) const {
  const std::string key = key_of(account, source);
  const std::lock_guard lock(mutex_);
  const auto found = seen_.find(key);
  return found != seen_.end() && now - found->second.at < remember_for_;
}

std::size_t RecentLogins::size() const {
  const std::lock_guard lock(mutex_);
  return seen_.size();
}

}  // namespace smlapi::ratelimit
