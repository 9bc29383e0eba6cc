#include "redis/async_admission_store.h"

#include <hiredis/hiredis.h>
#include <boost/asio/post.hpp>

#include "redis/admission_command.h"

namespace smlapi::redis {

AsyncAdmissionStore::AsyncAdmissionStore(std::shared_ptr<RedisAdmissionStore> blocking,
                                         Config config, unsigned workers, LinkObserver* observer)
    : blocking_(std::move(blocking)),
      config_(std::move(config)),
      observer_(observer),
      clients_(workers),
      stats_(std::make_unique<LinkStats[]>(workers)),
      turns_(std::make_unique<Turn[]>(workers)),
      workers_(workers) {
  const AdmissionScripts& scripts = blocking_->scripts();
  for (const Script* script : {&scripts.batch}) {
    script_sources_.push_back(script->source());
  }
}

ratelimit::AdmissionResults AsyncAdmissionStore::run(const ratelimit::AdmissionQuery& query) {
  return blocking_->run(query);
}

void AsyncAdmissionStore::attach(unsigned worker, boost::asio::io_context& io) {
  if (worker >= workers_) return;
  turns_[worker].io = &io;
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
  Turn& turn = turns_[worker];
  turn.gathering.push_back(&waiter);
  if (turn.gathering.size() >= AdmissionBatch::kMaxSteps) return send(worker);
  if (turn.send_posted) return;
  // Sent once the loop has run what is ready now: every request parsed in this turn joins.
  turn.send_posted = true;
  boost::asio::post(*turn.io, [this, worker] {
    turns_[worker].send_posted = false;
    send(worker);
  });
}

void AsyncAdmissionStore::send(unsigned worker) {
  Turn& turn = turns_[worker];
  AsyncClient* client = clients_[worker].get();
  if (turn.gathering.empty()) return;
  turn.batch.clear();
  for (ratelimit::AdmissionWaiter* waiter : turn.gathering) {
    turn.batch.add(waiter->admission_query(), blocking_->limits(), blocking_->deny_list());
  }
  turn.sent.push_back(std::move(turn.gathering));
  turn.gathering.clear();
  const auto command = turn.batch.evalsha(blocking_->scripts().batch);
  if (client == nullptr) return answer(worker, Error{ErrorKind::closed, "detached"});
  client->execute(command, [this, worker](AsyncClient::Result reply) { answer(worker, reply); });
}

// Replies come in the order the commands were sent: this one is the oldest batch's.
void AsyncAdmissionStore::answer(unsigned worker, const AsyncClient::Result& reply) {
  Turn& turn = turns_[worker];
  std::vector<ratelimit::AdmissionWaiter*> waiters = std::move(turn.sent.front());
  turn.sent.pop_front();
  const redisReply* steps = reply.has_value() ? reply->get() : nullptr;
  const bool whole =
      steps != nullptr && steps->type == REDIS_REPLY_ARRAY && steps->elements == waiters.size();
  for (std::size_t i = 0; i < waiters.size(); ++i) {
    ratelimit::AdmissionWaiter& waiter = *waiters[i];
    const ratelimit::AdmissionQuery& query = waiter.admission_query();
    std::optional<ratelimit::AdmissionResults> results;
    if (whole) results = AdmissionCommand::read(*steps->element[i], query);
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
