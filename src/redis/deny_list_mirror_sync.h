// Keeps a DenyListMirror current from Redis on one background thread with its own connections
// (request threads never wait for it): SUBSCRIBE to the revocation channel, then a full resync
// (SCAN of the deny-list keys and their deadlines) at once and every `resync_interval`, and again
// after every reconnect, since messages published while the subscriber was away are lost. It
// also writes this replica's revocations that Redis refused during an outage, once Redis answers.
//
// Staleness: a revocation made on another replica reaches the mirror within pub/sub latency; if
// its message is lost, within one resync interval.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "ratelimit/time.h"
#include "redis/connection.h"
#include "redis/connection_pool.h"
#include "redis/deny_list_mirror.h"
#include "redis/revocation_publisher.h"
#include "redis/script.h"

namespace smlapi::redis {

class DenyListMirrorSync {
 public:
  DenyListMirrorSync(const Config& config, std::shared_ptr<DenyListMirror> mirror,
                     std::chrono::milliseconds resync_interval);
  ~DenyListMirrorSync();  // stop()
  DenyListMirrorSync(const DenyListMirrorSync&) = delete;
  DenyListMirrorSync& operator=(const DenyListMirrorSync&) = delete;

  void start();
  // Returns within about kPollWait plus one command timeout, Redis up or not.
  void stop();

  // Full resyncs completed so far.
  std::uint64_t resyncs() const noexcept { return resyncs_.load(std::memory_order_relaxed); }

  // How long the thread waits for a message before it looks at its other duties and at stop().
  static constexpr std::chrono::milliseconds kPollWait{200};

 private:
  void run();
  bool step(std::chrono::steady_clock::time_point& next_resync);
  bool subscribe();
  bool resync();
  bool read_deadlines(std::span<const std::string_view> keys, std::vector<DenyListEntry>& found);
  void publish_waiting();
  void apply(const redisReply& pushed);
  bool pause(std::chrono::milliseconds duration);  // false when stopping

  Config config_;
  std::shared_ptr<DenyListMirror> mirror_;
  std::chrono::milliseconds resync_interval_;
  ratelimit::SteadyTimeSource clock_;
  ConnectionPool commands_;  // SCAN, deadlines, queued revocations
  std::optional<Connection> subscriber_;
  Script deadlines_script_;
  RevocationPublisher publisher_;
  std::string channel_;
  std::string pattern_;
  std::atomic<std::uint64_t> resyncs_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace smlapi::redis
