#include "redis/deny_list_mirror.h"

#include <algorithm>
#include <charconv>
#include <mutex>

#include "ratelimit/key.h"

namespace smlapi::redis {

std::string deny_list_key(const Config& config, std::string_view jti) {
  std::string key;
  append_deny_list_key(key, config, jti);
  return key;
}

void append_deny_list_key(std::string& out, const Config& config, std::string_view jti) {
  std::string scratch;
  out.append(config.key_prefix);
  out.append("revoked:");
  out.append(ratelimit::bounded_key(jti, config.max_key_bytes, scratch));
}

std::string revocation_channel(const Config& config) { return config.key_prefix + "revocations"; }

std::string revocation_message(const DenyListEntry& entry) {
  return std::to_string(entry.deny_until) + " " + entry.key;
}

std::optional<DenyListEntry> parse_revocation_message(std::string_view message) {
  const std::size_t space = message.find(' ');
  if (space == std::string_view::npos || space + 1 == message.size()) return std::nullopt;
  DenyListEntry entry;
  const auto [end, ec] = std::from_chars(message.data(), message.data() + space, entry.deny_until);
  if (ec != std::errc() || end != message.data() + space) return std::nullopt;
  entry.key = message.substr(space + 1);
  return entry;
}

DenyListMirror::DenyListMirror(const Config& config, RevocationFailureMode mode)
    : config_(config), mode_(mode) {
  config_.password.clear();  // only the prefix and the key bound are needed here
}

ratelimit::Listing DenyListMirror::outage_listing(std::string_view jti,
                                                  std::int64_t unix_now) const {
  if (contains(deny_list_key(config_, jti), unix_now)) return ratelimit::Listing::listed;
  return mode_ == RevocationFailureMode::mirror ? ratelimit::Listing::absent
                                                : ratelimit::Listing::unknown;
}

bool DenyListMirror::contains(std::string_view key, std::int64_t unix_now) const {
  const std::shared_lock lock(mutex_);
  const auto found = entries_.find(key);
  return found != entries_.end() && found->second.deny_until > unix_now;
}

std::size_t DenyListMirror::size() const {
  const std::shared_lock lock(mutex_);
  return entries_.size();
}

// The later deadline wins, and an entry stays unpublished until published() says otherwise.
void DenyListMirror::merge_locked(const std::string& key, const Entry& entry) {
  auto [it, inserted] = entries_.try_emplace(key, entry);
  if (inserted) {
    if (entry.unpublished) ++unpublished_;
    return;
  }
  Entry& existing = it->second;
  existing.deny_until = std::max(existing.deny_until, entry.deny_until);
  existing.generation = std::max(existing.generation, entry.generation);
  if (entry.unpublished && !existing.unpublished) {
    existing.unpublished = true;
    ++unpublished_;
  }
}

void DenyListMirror::add(const DenyListEntry& entry) {
  const std::unique_lock lock(mutex_);
  merge_locked(entry.key, Entry{entry.deny_until, ++generation_, false});
}

bool DenyListMirror::add_unpublished(const DenyListEntry& entry) {
  const std::unique_lock lock(mutex_);
  if (unpublished_ >= kMaxUnpublished) return false;
  merge_locked(entry.key, Entry{entry.deny_until, ++generation_, true});
  return true;
}

void DenyListMirror::published(std::string_view key) {
  const std::unique_lock lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end() || !found->second.unpublished) return;
  found->second.unpublished = false;
  --unpublished_;
}

std::vector<DenyListEntry> DenyListMirror::unpublished() const {
  std::vector<DenyListEntry> waiting;
  const std::shared_lock lock(mutex_);
  if (unpublished_ == 0) return waiting;
  for (const auto& [key, entry] : entries_) {
    if (entry.unpublished) waiting.push_back({key, entry.deny_until});
  }
  return waiting;
}

std::uint64_t DenyListMirror::generation() const {
  const std::shared_lock lock(mutex_);
  return generation_;
}

void DenyListMirror::replace(const std::vector<DenyListEntry>& from_redis, std::uint64_t since,
                             std::int64_t unix_now) {
  // Built outside the lock: a resync of a long deny-list must not stall lookups.
  Map fresh;
  fresh.reserve(from_redis.size());
  for (const DenyListEntry& entry : from_redis) {
    if (entry.deny_until > unix_now)
      fresh.insert_or_assign(entry.key, Entry{entry.deny_until, 0, false});
  }
  const std::unique_lock lock(mutex_);
  entries_.swap(fresh);
  unpublished_ = 0;
  for (const auto& [key, entry] : fresh) {  // the previous entries
    if ((entry.unpublished || entry.generation > since) && entry.deny_until > unix_now) {
      merge_locked(key, entry);
    }
  }
}

}  // namespace smlapi::redis
