#include "redis/async_admission_store.h"

#include <hiredis/hiredis.h>

#include <boost/asio/post.hpp>

namespace smlapi::redis {

AsyncAdmissionStore::AsyncAdmissionStore(std::shared_ptr<RedisAdmissionStore> blocking,
                                         Config config, unsigned workers, LinkObserver* observer)
    : blocking_(std::move(blocking)),
      config_(std::move(config)),
      observer_(observer),
      clients_(workers),
      stats_(std::make_unique<LinkStats[]>(workers)),
      workers_(workers) {
  const AdmissionScripts& scripts = blocking_->scripts();
  script_sources_.push_back(scripts.steps.source());
  for (unsigned i = 0; i < workers; ++i) {
    pending_.push_back(std::make_unique<Pending>());
    pending_.back()->batch = new_batch();
  }
}

std::unique_ptr<AdmissionBatch> AsyncAdmissionStore::new_batch() const {
  return std::make_unique<AdmissionBatch>(blocking_->limits(), blocking_->deny_list(),
                                          blocking_->scripts().steps);
}

ratelimit::AdmissionResults AsyncAdmissionStore::run(const ratelimit::AdmissionQuery& query) {
  return blocking_->run(query);
}

void AsyncAdmissionStore::attach(unsigned worker, boost::asio::io_context& io) {
  if (worker >= workers_) return;
  clients_[worker] =
      AsyncClient::create(io, config_, script_sources_, worker, observer_, stats_[worker]);
  pending_[worker]->io = &io;
  clients_[worker]->start();
}

void AsyncAdmissionStore::detach(unsigned worker) {
  if (worker >= workers_ || !clients_[worker]) return;
  send(worker);  // what this turn asked for: closing answers it as Redis being down does
  clients_[worker]->close();
  clients_[worker].reset();  // handlers still queued on the loop keep it alive until they run
}

void AsyncAdmissionStore::run_async(unsigned worker, ratelimit::AdmissionWaiter& waiter) {
  const ratelimit::AdmissionQuery& query = waiter.admission_query();
  if (worker >= workers_ || !clients_[worker] || !AdmissionBatch::needs_redis(query)) {
    // Off a loop (no client), or nothing to ask: the blocking store.
    waiter.admission_done(blocking_->run(query));
    return;
  }
  Pending& pending = *pending_[worker];
  pending.batch->add(query);
  pending.waiters.push_back(&waiter);
  if (pending.batch->full()) return send(worker);
  if (pending.send_posted) return;
  // After the handlers already queued on the loop (the other requests read in this turn), so
  // they join this batch.
  pending.send_posted = true;
  boost::asio::post(*pending.io, [this, worker] {
    pending_[worker]->send_posted = false;
    send(worker);
  });
}

void AsyncAdmissionStore::send(unsigned worker) {
  Pending& pending = *pending_[worker];
  if (pending.batch->empty() || !clients_[worker]) return;
  // The batch leaves the pending slot before it is sent: execute() may answer at once (Redis
  // backing off), and an answered request can start its connection's next one, which must go
  // to a new batch.
  std::unique_ptr<AdmissionBatch> sending = std::move(pending.batch);
  pending.batch = pending.spare ? std::move(pending.spare) : new_batch();
  std::vector<ratelimit::AdmissionWaiter*> waiters;
  waiters.reserve(AdmissionBatch::kMaxRequests);
  waiters.swap(pending.waiters);
  // execute() copies the command out before it returns: the batch is free again after it.
  clients_[worker]->execute(
      sending->evalsha(),
      [this, waiters = std::move(waiters)](AsyncClient::Result reply) { answer(waiters, reply); });
  sending->clear();
  if (!pending.spare) pending.spare = std::move(sending);
}

void AsyncAdmissionStore::answer(const std::vector<ratelimit::AdmissionWaiter*>& waiters,
                                 const AsyncClient::Result& reply) {
  for (std::size_t i = 0; i < waiters.size(); ++i) {
    ratelimit::AdmissionWaiter& waiter = *waiters[i];
    const ratelimit::AdmissionQuery& query = waiter.admission_query();
    std::optional<ratelimit::AdmissionResults> results;
    if (reply.has_value()) results = AdmissionBatch::read(**reply, waiters.size(), i, query);
    waiter.admission_done(results.has_value() ? *results : blocking_->without_redis(query));
  }
}

LinkTotals AsyncAdmissionStore::totals() const {
  LinkTotals totals;
  for (unsigned i = 0; i < workers_; ++i) {
    const LinkStats& stats = stats_[i];
    totals.in_flight += stats.in_flight.load(std::memory_order_relaxed);
    totals.sent += stats.sent.load(std::memory_order_relaxed);
    totals.reconnects += stats.reconnects.load(std::memory_order_relaxed);
    const LinkState state = stats.state.load(std::memory_order_relaxed);
    if (state == LinkState::up) ++totals.up;
    if (state == LinkState::down) ++totals.down;
  }
  return totals;
}

}  // namespace smlapi::redis
