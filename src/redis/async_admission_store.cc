#include "redis/async_admission_store.h"

#include <hiredis/hiredis.h>

#include "redis/admission_command.h"

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
  for (const Script* script : {&scripts.gcra, &scripts.request, &scripts.token}) {
    script_sources_.push_back(script->source());
  }
}

ratelimit::AdmissionResults AsyncAdmissionStore::run(const ratelimit::AdmissionQuery& query) {
  return blocking_->run(query);
}

void AsyncAdmissionStore::attach(unsigned worker, boost::asio::io_context& io) {
  if (worker >= workers_) return;
  clients_[worker] =
      AsyncClient::create(io, config_, script_sources_, worker, observer_, stats_[worker]);
  clients_[worker]->start();
}

void AsyncAdmissionStore::detach(unsigned worker) {
  if (worker >= workers_ || !clients_[worker]) return;
  clients_[worker]->close();
  clients_[worker].reset();  // handlers still queued on the loop keep it alive until they run
}

void AsyncAdmissionStore::run_async(unsigned worker, ratelimit::AdmissionWaiter& waiter) {
  const ratelimit::AdmissionQuery& query = waiter.admission_query();
  AsyncClient* client = worker < workers_ ? clients_[worker].get() : nullptr;
  if (client == nullptr || !AdmissionCommand::single_command(query)) {
    // Off a loop (no client), or a shape api::Admission never asks for: the blocking store.
    waiter.admission_done(blocking_->run(query));
    return;
  }
  const AdmissionCommand command(query, blocking_->limits(), blocking_->deny_list(),
                                 blocking_->scripts());
  client->execute(command.evalsha(),
                  [this, &waiter](AsyncClient::Result reply) { answer(waiter, reply); });
}

void AsyncAdmissionStore::answer(ratelimit::AdmissionWaiter& waiter,
                                 const AsyncClient::Result& reply) {
  const ratelimit::AdmissionQuery& query = waiter.admission_query();
  std::optional<ratelimit::AdmissionResults> results;
  if (reply.has_value()) results = AdmissionCommand::read(**reply, query);
  waiter.admission_done(results.has_value() ? *results : blocking_->without_redis(query));
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
