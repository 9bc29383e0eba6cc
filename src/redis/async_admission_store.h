// ratelimit::AdmissionStore answered on the workers' event loops: each worker has its own
// pipelined Redis connection (AsyncClient), so a request waiting for its admission step never
// holds up the other requests of its worker. Every step a loop asks for in one turn goes in one
// command (AdmissionBatch: the blocking store's script with more requests, up to
// AdmissionBatch::kMaxRequests), sent when the turn's other handlers have run: one round trip
// and one script run for all of them, each distinct key read and written once. A failed
// command answers each of its requests as the blocking store does without Redis
// (RedisAdmissionStore::without_redis).
//
// The wiring attaches a client to each worker's loop when the loop starts and closes it when
// the worker stops (http::Handler::worker_started / worker_stopping); run() — for callers off
// the loops — is the blocking store's.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "ratelimit/admission_store.h"
#include "redis/admission_batch.h"
#include "redis/async_client.h"
#include "redis/redis_admission_store.h"

namespace smlapi::redis {

// The clients' counters summed (any thread).
struct LinkTotals {
  std::uint32_t in_flight = 0;
  std::uint32_t sent = 0;
  std::uint64_t reconnects = 0;
  std::uint32_t up = 0;    // clients whose link is up
  std::uint32_t down = 0;  // ... backing off after a failure
};

class AsyncAdmissionStore final : public ratelimit::AdmissionStore {
 public:
  // `observer` (may be null) hears of every client's link changes.
  AsyncAdmissionStore(std::shared_ptr<RedisAdmissionStore> blocking, Config config,
                      unsigned workers, LinkObserver* observer);

  ratelimit::AdmissionResults run(const ratelimit::AdmissionQuery& query) override;
  bool shared() const noexcept override { return true; }
  bool asynchronous() const noexcept override { return true; }
  void run_async(unsigned worker, ratelimit::AdmissionWaiter& waiter) override;

  // On the worker's loop thread: start / stop that worker's connection.
  void attach(unsigned worker, boost::asio::io_context& io);
  void detach(unsigned worker);

  LinkTotals totals() const;

 private:
  // One worker's requests waiting for the end of its loop's turn. Touched by that loop only.
  struct Pending {
    boost::asio::io_context* io = nullptr;
    std::unique_ptr<AdmissionBatch> batch;             // being filled
    std::unique_ptr<AdmissionBatch> spare;             // a sent one, cleared, for reuse
    std::vector<ratelimit::AdmissionWaiter*> waiters;  // in the batch's order
    bool send_posted = false;
  };
  std::unique_ptr<AdmissionBatch> new_batch() const;
  void send(unsigned worker);
  void answer(const std::vector<ratelimit::AdmissionWaiter*>& waiters,
              const AsyncClient::Result& reply);

  std::shared_ptr<RedisAdmissionStore> blocking_;
  Config config_;
  LinkObserver* observer_;
  std::vector<std::string> script_sources_;
  std::vector<std::shared_ptr<AsyncClient>> clients_;  // by worker; each touched by its loop only
  std::unique_ptr<LinkStats[]> stats_;                 // by worker; read by any thread
  std::vector<std::unique_ptr<Pending>> pending_;      // by worker
  unsigned workers_;
};

}  // namespace smlapi::redis
