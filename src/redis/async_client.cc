#include "redis/async_client.h"

#include <algorithm>
#include <string>

#include <hiredis/hiredis.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>

#include "redis/resp_command.h"

namespace smlapi::redis {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

constexpr std::size_t kReadChunk = 16 * 1024;

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Error replies that say this node cannot run our writes now, whatever the command: a replica
// (the endpoint still pointed at the old primary after a failover), a node loading its data,
// a replica that lost its primary. Reconnecting — after a back-off, resolving the host again —
// is the way out.
bool node_unusable(std::string_view detail) {
  return starts_with(detail, "READONLY") || starts_with(detail, "LOADING") ||
         starts_with(detail, "MASTERDOWN");
}

// The reply to ROLE: {"master", ...} on a primary.
bool is_primary_role(const redisReply& reply) {
  if (reply.elements == 0 || reply.element[0]->type != REDIS_REPLY_STRING) return false;
  return std::string_view(reply.element[0]->str, reply.element[0]->len) == "master";
}

Error read_error(const error_code& ec) {
  if (ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::error::broken_pipe) {
    return Error{ErrorKind::closed, "connection closed by the server"};
  }
  return Error{ErrorKind::io, ec.message()};
}

}  // namespace

const char* to_string(LinkState state) noexcept {
  switch (state) {
    case LinkState::connecting:
      return "connecting";
    case LinkState::up:
      return "up";
    case LinkState::down:
      return "down";
    case LinkState::closed:
      return "closed";
  }
  return "unknown";
}

std::shared_ptr<AsyncClient> AsyncClient::create(asio::io_context& io, Config config,
                                                 std::vector<std::string> scripts, unsigned id,
                                                 LinkObserver* observer, LinkStats& stats) {
  return std::shared_ptr<AsyncClient>(
      new AsyncClient(io, std::move(config), std::move(scripts), id, observer, stats));
}

AsyncClient::AsyncClient(asio::io_context& io, Config config, std::vector<std::string> scripts,
                         unsigned id, LinkObserver* observer, LinkStats& stats)
    : io_(io),
      config_(std::move(config)),
      scripts_(std::move(scripts)),
      id_(id),
      observer_(observer),
      resolver_(io),
      deadline_timer_(io),
      retry_timer_(io),
      in_(kReadChunk),
      stats_(stats) {}

AsyncClient::~AsyncClient() = default;

void AsyncClient::start() {
  if (state_ == LinkState::connecting && !attempt_underway_) connect(true);
}

void AsyncClient::execute(std::span<const std::string_view> args, Done done) {
  const Clock::time_point now = Clock::now();
  switch (state_) {
    case LinkState::up:
      return queue(args, std::move(done), now + config_.timeout);
    case LinkState::connecting:
      if (!attempt_underway_) connect(true);
      if (!commands_wait_) break;  // probing a server that failed: do not make requests wait
      return queue(args, std::move(done), now + config_.connect_timeout + config_.timeout);
    case LinkState::down:
      break;
    case LinkState::closed:
      return done(Error{ErrorKind::closed, "client closed"});
  }
  done(Error{ErrorKind::backing_off, "Redis unavailable; reconnecting"});
}

void AsyncClient::close() {
  if (state_ == LinkState::closed) return;
  ++generation_;
  set_state(LinkState::closed, "closed");
  error_code ignored;
  resolver_.cancel();
  deadline_timer_.cancel();
  retry_timer_.cancel();
  if (link_) link_->socket.close(ignored);
  link_.reset();
  connected_ = false;
  attempt_underway_ = false;
  fail_waiting(Error{ErrorKind::closed, "client closed"});
}

void AsyncClient::connect(bool commands_wait) {
  ++generation_;
  attempt_underway_ = true;
  commands_wait_ = commands_wait;
  connected_ = false;
  writing_now_ = false;
  out_.clear();
  unsent_ = 0;
  reader_.emplace();
  link_ = std::make_shared<Link>(io_);
  connect_deadline_ = Clock::now() + config_.connect_timeout + config_.timeout;
  queue_setup();
  // Resolved on every attempt: after a failover the name points at the new primary.
  resolver_.async_resolve(
      config_.host, std::to_string(config_.port),
      [self = shared_from_this(), generation = generation_](
          const error_code& ec, const asio::ip::tcp::resolver::results_type& endpoints) {
        if (generation != self->generation_) return;
        self->on_resolved(ec, endpoints);
      });
}

void AsyncClient::on_resolved(const error_code& ec,
                              const asio::ip::tcp::resolver::results_type& endpoints) {
  if (ec) return broken(Error{ErrorKind::connect, "cannot resolve the Redis host"}, false);
  asio::async_connect(link_->socket, endpoints,
                      [self = shared_from_this(), link = link_, generation = generation_](
                          const error_code& connect_ec, const asio::ip::tcp::endpoint&) {
                        if (generation != self->generation_) return;
                        self->on_connected(connect_ec);
                      });
}

void AsyncClient::on_connected(const error_code& ec) {
  if (ec) return broken(Error{ErrorKind::connect, ec.message()}, false);
  error_code ignored;
  link_->socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  if (!config_.tls) return start_flowing();
  link_->tls.emplace(link_->socket, *config_.tls);
  // The name the server's certificate must carry, also sent as SNI.
  const std::string& name =
      config_.tls_server_name.empty() ? config_.host : config_.tls_server_name;
  boost::system::error_code not_an_address;
  asio::ip::make_address(name, not_an_address);
  if (not_an_address) {  // SNI carries host names only (RFC 6066)
    SSL_ctrl(link_->tls->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(name.c_str()));
  }
  link_->tls->set_verify_callback(asio::ssl::host_name_verification(name));
  link_->tls->async_handshake(asio::ssl::stream_base::client,
                              [self = shared_from_this(), link = link_,
                               generation = generation_](const error_code& tls_ec) {
                                if (generation != self->generation_) return;
                                self->on_handshake(tls_ec);
                              });
}

void AsyncClient::on_handshake(const error_code& ec) {
  if (ec) return broken(Error{ErrorKind::connect, "TLS handshake failed: " + ec.message()}, false);
  start_flowing();
}

void AsyncClient::start_flowing() {
  connected_ = true;
  read();
  schedule_flush();  // the set-up, and the commands that waited for the connection
}

// AUTH, SELECT and the scripts, sent ahead of the first commands, then ROLE: "up" means this
// node answered and is a primary (after a failover the old endpoint may still reach a replica).
void AsyncClient::queue_setup() {
  std::vector<std::string_view> auth{"AUTH"};
  const std::string db = std::to_string(config_.db);
  const auto setup = [this](std::span<const std::string_view> args) {
    queue(args, Done{}, connect_deadline_);
    ++setup_pending_;
  };
  setup_pending_ = 0;
  if (!config_.password.empty()) {
    if (!config_.username.empty()) auth.emplace_back(config_.username);
    auth.emplace_back(config_.password);
    setup(auth);
  }
  if (config_.db != 0) {
    const std::string_view select[] = {"SELECT", db};
    setup(select);
  }
  for (const std::string& script : scripts_) {
    const std::string_view load[] = {"SCRIPT", "LOAD", script};
    setup(load);
  }
  const std::string_view role[] = {"ROLE"};
  setup(role);
}

void AsyncClient::queue(std::span<const std::string_view> args, Done done,
                        Clock::time_point deadline) {
  append_command(out_, args);
  waiting_.push_back(Waiting{std::move(done), deadline});
  ++unsent_;
  update_stats();
  arm_deadline();
  // Written at once when the connection is idle, so Redis starts on it while the loop parses
  // the requests behind it; those gather in out_ and follow in one write when this one is done.
  if (connected_) flush();
}

// Commands queued while this turn of the loop runs leave together in one write.
void AsyncClient::schedule_flush() {
  if (flush_posted_ || writing_now_) return;
  flush_posted_ = true;
  asio::post(io_, [self = shared_from_this()] {
    self->flush_posted_ = false;
    self->flush();
  });
}

void AsyncClient::flush() {
  if (writing_now_ || out_.empty() || !connected_) return;
  writing_.swap(out_);
  out_.clear();
  writing_now_ = true;
  unsent_ = 0;
  update_stats();
  auto done = [self = shared_from_this(), link = link_, generation = generation_](
                  const error_code& ec, std::size_t) {
    if (generation != self->generation_) return;
    self->writing_now_ = false;
    self->writing_.clear();
    if (ec) return self->broken(read_error(ec), true);
    self->flush();
  };
  if (link_->tls) {
    asio::async_write(*link_->tls, asio::buffer(writing_), std::move(done));
  } else {
    asio::async_write(link_->socket, asio::buffer(writing_), std::move(done));
  }
}

void AsyncClient::read() {
  auto done = [self = shared_from_this(), link = link_, generation = generation_](
                  const error_code& ec, std::size_t bytes) {
    if (generation != self->generation_) return;
    self->on_read(ec, bytes);
  };
  if (link_->tls) {
    link_->tls->async_read_some(asio::buffer(in_), std::move(done));
  } else {
    link_->socket.async_read_some(asio::buffer(in_), std::move(done));
  }
}

void AsyncClient::on_read(const error_code& ec, std::size_t bytes) {
  if (ec) return broken(read_error(ec), true);
  if (!reader_->feed(in_.data(), bytes)) {
    return broken(Error{ErrorKind::bad_reply, "unreadable reply"}, false);
  }
  if (deliver_replies()) read();
}

// Hands each complete reply to its command; false when the connection ended meanwhile.
bool AsyncClient::deliver_replies() {
  const std::uint64_t generation = generation_;
  for (;;) {
    Reply reply;
    const ReplyReader::Next next = reader_->next(reply);
    if (next == ReplyReader::Next::error) {
      broken(Error{ErrorKind::bad_reply, "unreadable reply"}, false);
      return false;
    }
    if (next == ReplyReader::Next::more) return true;
    if (waiting_.empty()) {
      if (push_) {
        push_(std::move(reply));
        if (generation != generation_) return false;
        continue;
      }
      broken(Error{ErrorKind::bad_reply, "a reply no command asked for"}, false);
      return false;
    }
    Waiting waiting = std::move(waiting_.front());
    waiting_.pop_front();
    update_stats();
    if (setup_pending_ > 0) {
      --setup_pending_;
      if (!on_setup_reply(reply)) return false;
      continue;
    }
    if (reply->type != REDIS_REPLY_ERROR) {
      waiting.done(std::move(reply));
    } else {
      std::string detail(reply->str, reply->len);
      const bool unusable = node_unusable(detail);
      // A script flushed from the server: reconnect at once, loading the scripts again (a
      // client without scripts of its own leaves it to the caller: EVAL, see script.h).
      const bool reload = starts_with(detail, "NOSCRIPT") && !scripts_.empty();
      waiting.done(Error{ErrorKind::server, detail});
      if (generation == generation_ && (unusable || reload)) {
        broken(Error{ErrorKind::server, detail}, reload);
      }
    }
    if (generation != generation_) return false;
  }
}

bool AsyncClient::on_setup_reply(const Reply& reply) {
  if (reply->type == REDIS_REPLY_ERROR) {
    // "WRONGPASS ..." and the like never echo the password.
    broken(Error{ErrorKind::auth, std::string(reply->str, reply->len)}, false);
    return false;
  }
  if (config_.require_primary && reply->type == REDIS_REPLY_ARRAY && !is_primary_role(*reply)) {
    broken(Error{ErrorKind::server, "READONLY the Redis endpoint is a replica"}, false);
    return false;
  }
  if (setup_pending_ == 0) {
    ever_up_ = true;
    backoff_ = std::chrono::milliseconds(0);
    commands_wait_ = true;
    set_state(LinkState::up, "connected");
  }
  return true;
}

void AsyncClient::arm_deadline() {
  if (deadline_armed_ || waiting_.empty()) return;
  deadline_armed_ = true;
  deadline_timer_.expires_at(waiting_.front().deadline);
  deadline_timer_.async_wait([self = shared_from_this()](const error_code& ec) {
    self->deadline_armed_ = false;
    if (!ec) self->on_deadline();
  });
}

// The oldest command is the first to time out (deadlines grow along the queue). Replies come
// back in order, so a command without one means the connection itself is stuck.
void AsyncClient::on_deadline() {
  if (waiting_.empty() || state_ == LinkState::closed) return;
  if (waiting_.front().deadline > Clock::now()) return arm_deadline();
  broken(Error{ErrorKind::timeout, connected_ ? "no reply in time" : "connect timed out"}, false);
}

// The connection is unusable: close it, then reconnect at once if it had worked and merely
// ended (the commands sent meanwhile wait for the new one), otherwise back off. The commands
// that were waiting on it fail, after the state says what a command sent now gets.
void AsyncClient::broken(Error error, bool reconnect_at_once) {
  ++generation_;
  last_error_ = error;
  error_code ignored;
  resolver_.cancel();
  if (link_) link_->socket.close(ignored);
  link_.reset();
  connected_ = false;
  attempt_underway_ = false;
  writing_now_ = false;
  setup_pending_ = 0;
  std::deque<Waiting> failed;
  failed.swap(waiting_);
  const bool worked = ever_up_ && state_ == LinkState::up;
  ever_up_ = false;
  if (reconnect_at_once && worked) {
    stats_.reconnects.fetch_add(1, std::memory_order_relaxed);
    set_state(LinkState::connecting, error.detail);
    connect(true);
  } else {
    back_off(error.detail);
  }
  update_stats();
  for (Waiting& waiting : failed) {
    if (waiting.done) waiting.done(error);
  }
}

void AsyncClient::back_off(std::string_view reason) {
  set_state(LinkState::down, reason);
  out_.clear();
  unsent_ = 0;
  backoff_ =
      backoff_.count() == 0 ? config_.reconnect_min : std::min(backoff_ * 2, config_.reconnect_max);
  retry_timer_.expires_after(backoff_);
  retry_timer_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (ec || self->state_ != LinkState::down) return;
    self->stats_.reconnects.fetch_add(1, std::memory_order_relaxed);
    self->set_state(LinkState::connecting, "reconnecting");
    self->connect(false);
  });
}

void AsyncClient::fail_waiting(const Error& error) {
  std::deque<Waiting> failed;
  failed.swap(waiting_);
  setup_pending_ = 0;
  out_.clear();
  unsent_ = 0;
  update_stats();
  for (Waiting& waiting : failed) {
    if (waiting.done) waiting.done(error);
  }
}

void AsyncClient::update_stats() {
  const auto waiting = static_cast<std::uint32_t>(waiting_.size());
  stats_.in_flight.store(waiting, std::memory_order_relaxed);
  stats_.sent.store(waiting - static_cast<std::uint32_t>(std::min<std::size_t>(unsent_, waiting)),
                    std::memory_order_relaxed);
}

void AsyncClient::set_state(LinkState state, std::string_view reason) {
  if (state == state_) return;
  state_ = state;
  stats_.state.store(state, std::memory_order_relaxed);
  if (observer_ != nullptr) observer_->link_changed(id_, state, reason);
}

}  // namespace smlapi::redis
