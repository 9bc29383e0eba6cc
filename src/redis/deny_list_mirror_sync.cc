#include "redis/deny_list_mirror_sync.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <limits>

#include "redis/lua_scripts.h"

namespace smlapi::redis {
namespace {

using SteadyClock = std::chrono::steady_clock;

// The thread's commands may wait longer than a request's: nobody waits for them, and a SCAN
// batch of a long deny-list must not time out where a GET would not.
constexpr std::chrono::milliseconds kMinTimeout{250};
constexpr std::string_view kScanBatch = "1000";

Config sync_config(Config config) {
  config.connections = 1;
  config.timeout = std::max(config.timeout, kMinTimeout);
  config.connect_timeout = std::max(config.connect_timeout, kMinTimeout);
  return config;
}

// SCAN MATCH takes a glob: a prefix holding *, ?, [ or \ must match only itself.
std::string deny_list_pattern(const Config& config) {
  std::string pattern;
  for (const char c : config.key_prefix + "revoked:") {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('*');
  return pattern;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view text(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_STRING) return {};
  return {reply.str, reply.len};
}

}  // namespace

DenyListMirrorSync::DenyListMirrorSync(const Config& config, std::shared_ptr<DenyListMirror> mirror,
                                       std::chrono::milliseconds resync_interval)
    : config_(sync_config(config)),
      mirror_(std::move(mirror)),
      resync_interval_(resync_interval),
      commands_(config_, clock_),
      deadlines_script_(lua::kDenyListDeadlines),
      publisher_(config_),
      channel_(revocation_channel(config_)),
      pattern_(deny_list_pattern(config_)) {}

DenyListMirrorSync::~DenyListMirrorSync() { stop(); }

void DenyListMirrorSync::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void DenyListMirrorSync::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool DenyListMirrorSync::pause(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, duration, [this] { return stopping_; });
}

void DenyListMirrorSync::run() {
  std::chrono::milliseconds backoff = config_.reconnect_min;
  SteadyClock::time_point next_resync = SteadyClock::now();
  while (pause(std::chrono::milliseconds::zero())) {
    if (step(next_resync)) {
      backoff = config_.reconnect_min;
      continue;
    }
    // Whatever was published while the subscriber was away is lost: resync after reconnecting.
    subscriber_.reset();
    next_resync = SteadyClock::now();
    if (!pause(backoff)) return;
    backoff = std::min(backoff * 2, config_.reconnect_max);
  }
}

// One round: connect if needed, resync when due, write queued revocations, wait for a message.
// False when the connections must be replaced.
bool DenyListMirrorSync::step(SteadyClock::time_point& next_resync) {
  if (!subscriber_.has_value() && !subscribe()) return false;
  if (SteadyClock::now() >= next_resync) {
    if (!resync()) return false;
    next_resync = SteadyClock::now() + resync_interval_;
  }
  publish_waiting();
  auto pushed = subscriber_->receive(kPollWait);
  if (!pushed.has_value()) return false;
  if (*pushed) apply(**pushed);
  return true;
}

// Subscribed before the SCAN that follows, so no revocation falls between the two.
bool DenyListMirrorSync::subscribe() {
  auto opened = Connection::open(config_);
  if (!opened.has_value()) return false;
  const std::string_view command[] = {"SUBSCRIBE", channel_};
  if (!opened->command(command).has_value()) return false;
  subscriber_.emplace(std::move(*opened));
  return true;
}

bool DenyListMirrorSync::resync() {
  const std::uint64_t since = mirror_->generation();
  std::vector<DenyListEntry> found;
  std::string cursor = "0";
  do {
    const std::string_view scan[] = {"SCAN", cursor, "MATCH", pattern_, "COUNT", kScanBatch};
    auto reply = commands_.execute(scan);
    if (!reply.has_value()) return false;
    const redisReply& page = **reply;
    if (page.type != REDIS_REPLY_ARRAY || page.elements != 2 ||
        page.element[1]->type != REDIS_REPLY_ARRAY) {
      return false;
    }
    cursor = text(*page.element[0]);
    const redisReply& batch = *page.element[1];
    std::vector<std::string_view> keys;
    keys.reserve(batch.elements);
    for (std::size_t i = 0; i < batch.elements; ++i) keys.push_back(text(*batch.element[i]));
    if (!keys.empty() && !read_deadlines(keys, found)) return false;
  } while (cursor != "0" && !cursor.empty());
  mirror_->replace(found, since, unix_now());
  resyncs_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

bool DenyListMirrorSync::read_deadlines(std::span<const std::string_view> keys,
                                        std::vector<DenyListEntry>& found) {
  auto reply = deadlines_script_.run(commands_, keys, std::span<const std::string_view>{});
  if (!reply.has_value()) return false;
  const redisReply& deadlines = **reply;
  if (deadlines.type != REDIS_REPLY_ARRAY || deadlines.elements != keys.size()) return false;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const redisReply& deadline = *deadlines.element[i];
    if (deadline.type != REDIS_REPLY_INTEGER || deadline.integer == -2) continue;  // gone
    // A key without expiry was not written by a replica (they all set one): an operator's
    // revocation, kept as long as the key.
    const std::int64_t until =
        deadline.integer == -1 ? std::numeric_limits<std::int64_t>::max() : deadline.integer;
    found.push_back({std::string(keys[i]), until});
  }
  return true;
}

// Stops at the first failure: Redis is still away; the next round tries again.
void DenyListMirrorSync::publish_waiting() {
  for (const DenyListEntry& entry : mirror_->unpublished()) {
    if (!publisher_.publish(commands_, entry).has_value()) return;
    mirror_->published(entry.key);
  }
}

void DenyListMirrorSync::apply(const redisReply& pushed) {
  if (pushed.type != REDIS_REPLY_ARRAY || pushed.elements != 3) return;
  if (text(*pushed.element[0]) != "message") return;  // e.g. the subscribe confirmation
  auto entry = parse_revocation_message(text(*pushed.element[2]));
  if (entry.has_value()) mirror_->add(*entry);
}

}  // namespace smlapi::redis
