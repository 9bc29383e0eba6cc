// One event loop's connection to Redis, pipelined and never blocking the loop: every command
// the loop's requests send while a write is under way goes out together in the next write, and
// each reply is handed to its command's callback in order. Deadlines are the loop's timers;
// name resolution runs on Asio's resolver thread.
//
// Built from libraries for the hard parts — Asio's sockets and timers, hiredis's RESP reply
// reader — with only the glue written here: hiredis 0.14's own asynchronous API wants an
// adapter per event library and has no Asio one, no TLS and no pipelining control.
//
// Failures, with the connection pool's rules (connection_pool.h): a connection that worked and
// then broke (Redis restarted, a reset) reconnects at once and the commands sent meanwhile
// wait for it; a failed connect, a timeout or a node that cannot serve writes (READONLY after a
// failover, LOADING, MASTERDOWN) backs off, doubling from reconnect_min to reconnect_max, and
// during the back-off commands fail at once so a dead Redis costs requests nothing. Each
// reconnect resolves the host again: a managed primary endpoint (ElastiCache) moves to the new
// primary on failover. The connection's set-up — AUTH, SELECT, SCRIPT LOAD of the scripts the
// caller uses — is pipelined ahead of the first commands.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/result.hpp>

#include "redis/config.h"
#include "redis/error.h"
#include "redis/reply.h"
#include "redis/reply_reader.h"

namespace smlapi::redis {

enum class LinkState : std::uint8_t {
  connecting,  // resolving, connecting or sending the set-up
  up,          // set up; commands flow
  down,        // backing off after a failure: commands fail at once
  closed       // close() was called
};

const char* to_string(LinkState state) noexcept;

// Told of each change of a client's link state, with the reason (no secret is ever part of
// it). Called on the client's loop thread.
class LinkObserver {
 public:
  virtual void link_changed(unsigned client, LinkState state, std::string_view reason) = 0;

 protected:
  ~LinkObserver() = default;
};

// Counters any thread may read (metrics); only the client's loop writes them.
struct LinkStats {
  std::atomic<std::uint32_t> in_flight{0};  // commands accepted and not yet answered
  std::atomic<std::uint32_t> sent{0};       // ... of which written and awaiting their reply
  std::atomic<std::uint64_t> reconnects{0};
  std::atomic<LinkState> state{LinkState::connecting};
};

class AsyncClient : public std::enable_shared_from_this<AsyncClient> {
 public:
  using Result = boost::system::result<Reply, Error>;
  using Done = std::function<void(Result)>;

  // `scripts`: Lua sources loaded on every new connection, so EVALSHA finds them (also after a
  // restart or a failover). `observer` may be null; `stats` outlives the client.
  static std::shared_ptr<AsyncClient> create(boost::asio::io_context& io, Config config,
                                             std::vector<std::string> scripts, unsigned id,
                                             LinkObserver* observer, LinkStats& stats);
  ~AsyncClient();
  AsyncClient(const AsyncClient&) = delete;
  AsyncClient& operator=(const AsyncClient&) = delete;

  // Connects now rather than at the first command. Loop thread only, like everything below.
  void start();
  // Queues one command; `done` runs exactly once, on the loop, with the reply or an error. A
  // Redis error reply is ErrorKind::server. `done` may call execute() again.
  void execute(std::span<const std::string_view> args, Done done);
  // Fails every waiting command (ErrorKind::closed) and stops reconnecting.
  void close();
  // Replies no command asked for — pub/sub messages after SUBSCRIBE — go here; without a
  // handler such a reply breaks the connection.
  void on_push(std::function<void(Reply)> handler) { push_ = std::move(handler); }
  // Why the last connection failed or ended (empty detail while none did).
  const Error& last_error() const noexcept { return last_error_; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Waiting {
    Done done;  // empty for the connection's own set-up commands
    Clock::time_point deadline;
  };
  // One connection: its socket and, with TLS, the stream over it. Each attempt has its own,
  // kept alive by the handlers of its operations, so a new one never meets an old one's.
  struct Link {
    explicit Link(boost::asio::io_context& io) : socket(io) {}
    boost::asio::ip::tcp::socket socket;
    std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls;
  };

  AsyncClient(boost::asio::io_context& io, Config config, std::vector<std::string> scripts,
              unsigned id, LinkObserver* observer, LinkStats& stats);

  void connect(bool commands_wait);
  void on_resolved(const boost::system::error_code& ec,
                   const boost::asio::ip::tcp::resolver::results_type& endpoints);
  void on_connected(const boost::system::error_code& ec);
  void on_handshake(const boost::system::error_code& ec);
  void start_flowing();
  void queue_setup();
  void queue(std::span<const std::string_view> args, Done done, Clock::time_point deadline);
  void schedule_flush();
  void flush();
  void read();
  void on_read(const boost::system::error_code& ec, std::size_t bytes);
  bool deliver_replies();
  bool on_setup_reply(const Reply& reply);
  void arm_deadline();
  void on_deadline();
  void broken(Error error, bool reconnect_at_once);
  void back_off(std::string_view reason);
  void fail_waiting(const Error& error);
  void set_state(LinkState state, std::string_view reason);
  void update_stats();

  boost::asio::io_context& io_;
  Config config_;
  std::vector<std::string> scripts_;
  unsigned id_;
  LinkObserver* observer_;
  boost::asio::ip::tcp::resolver resolver_;
  std::shared_ptr<Link> link_;
  boost::asio::steady_timer deadline_timer_;
  boost::asio::steady_timer retry_timer_;
  std::optional<ReplyReader> reader_;
  std::deque<Waiting> waiting_;    // in the order sent: replies come back in this order
  std::size_t setup_pending_ = 0;  // set-up replies still expected at the front of waiting_
  std::string out_;                // commands not yet written
  std::size_t unsent_ = 0;         // how many commands out_ holds
  std::string writing_;            // the write under way
  std::vector<char> in_;           // read buffer
  LinkState state_ = LinkState::connecting;
  bool attempt_underway_ = false;  // connect() ran and the attempt has not ended
  bool connected_ = false;         // the socket is open (set-up may still be running)
  bool commands_wait_ = false;     // while connecting: queue commands (else fail them at once)
  bool writing_now_ = false;
  bool flush_posted_ = false;
  bool deadline_armed_ = false;
  bool ever_up_ = false;          // a connection worked since the last failure
  std::uint64_t generation_ = 0;  // bumped per connection: stale handlers ignore themselves
  std::function<void(Reply)> push_;
  Error last_error_{ErrorKind::io, ""};
  Clock::time_point connect_deadline_{};
  std::chrono::milliseconds backoff_{0};
  LinkStats& stats_;
};

}  // namespace smlapi::redis
