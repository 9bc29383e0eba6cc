#include "redis/connection.h"

#include <deque>
#include <optional>

#include <hiredis/hiredis.h>
#include <boost/asio/io_context.hpp>

#include "redis/async_client.h"

namespace smlapi::redis {

void ReplyDeleter::operator()(redisReply* reply) const noexcept { freeReplyObject(reply); }

struct Connection::State final : LinkObserver {
  boost::asio::io_context io{1};
  LinkStats stats;
  std::shared_ptr<AsyncClient> client;
  std::deque<Reply> pushed;
  bool was_up = false;
  bool broken = false;

  void link_changed(unsigned, LinkState state, std::string_view) override {
    if (state == LinkState::up) {
      if (was_up) broken = true;  // a new connection: whatever the old one held is gone
      was_up = true;
    } else if (was_up) {
      broken = true;
    }
  }

  // Runs the loop until `done` holds. The client bounds every wait with its own timers.
  template <typename Done>
  void run_until(Done done) {
    while (!done()) {
      if (io.run_one() == 0) io.restart();
    }
  }
};

Connection::Connection(std::unique_ptr<State> state) : state_(std::move(state)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;

Connection::~Connection() {
  if (state_ && state_->client) state_->client->close();
}

boost::system::result<Connection, Error> Connection::open(const Config& config) {
  auto state = std::make_unique<State>();
  State& s = *state;
  s.client = AsyncClient::create(s.io, config, {}, 0, &s, s.stats);
  s.client->on_push([&s](Reply reply) { s.pushed.push_back(std::move(reply)); });
  s.client->start();
  s.run_until([&s] {
    const LinkState link = s.stats.state.load(std::memory_order_relaxed);
    return link == LinkState::up || link == LinkState::down;
  });
  if (!s.was_up) return s.client->last_error();
  return Connection(std::move(state));
}

bool Connection::broken() const noexcept { return !state_ || state_->broken; }

boost::system::result<Reply, Error> Connection::command(std::span<const std::string_view> args) {
  if (broken()) return Error{ErrorKind::closed, "connection is broken"};
  std::optional<AsyncClient::Result> result;
  state_->client->execute(args, [&result](AsyncClient::Result r) { result.emplace(std::move(r)); });
  state_->run_until([&result] { return result.has_value(); });
  return std::move(*result);
}

boost::system::result<Reply, Error> Connection::receive(std::chrono::milliseconds wait) {
  if (broken()) return Error{ErrorKind::closed, "connection is broken"};
  State& s = *state_;
  const auto until = std::chrono::steady_clock::now() + wait;
  while (s.pushed.empty() && !s.broken) {
    const auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) break;
    if (s.io.run_one_for(left) == 0) s.io.restart();
  }
  if (s.broken) return s.client->last_error();
  if (s.pushed.empty()) return Reply{};
  Reply reply = std::move(s.pushed.front());
  s.pushed.pop_front();
  return reply;
}

}  // namespace smlapi::redis
