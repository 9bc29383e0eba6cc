// One event loop per thread: its own io_context, its own SO_REUSEPORT acceptor
// and its own connections, so nothing on the request path is shared between
// threads. A coarse sweep (every 250 ms) enforces every connection deadline,
// which is far cheaper than arming a timer for each read and write.
#pragma once

#include "http/client_connection_counts.h"
#include "http/handler.h"
#include "http/limits.h"
#include "http/reserve_descriptor.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <list>

namespace boost::asio::ssl {
class context;
}

namespace smlapi::http {

class Connection;

// Shared across workers: the only cross-thread state, touched once per
// connection (accept and close), never per request.
struct ConnectionBudget {
  ConnectionBudget(const ServerLimits& limits, net::TrustedProxies proxies)
      : max(limits.max_connections),
        per_client(limits.max_connections_per_client, std::move(proxies)) {}
  std::atomic<std::uint32_t> open{0};
  std::uint32_t max = 0;
  ClientConnectionCounts per_client;
};

class Worker {
 public:
  // `tls`: null for plain HTTP, else the server's context (outlives the worker).
  Worker(unsigned index, const ServerLimits& limits, Handler& handler, ConnectionBudget& budget,
         boost::asio::ssl::context* tls = nullptr);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Binds with SO_REUSEPORT so every worker accepts on the same port.
  void listen(const boost::asio::ip::tcp::endpoint& endpoint);
  std::uint16_t local_port() const;
  // Runs the event loop until drained (thread body).
  void run();
  // Thread-safe: from now on every answer says Connection: close and its
  // connection closes after it; the acceptor stays open (see Server::begin_drain).
  void begin_drain();
  // Thread-safe: stop accepting (new connection attempts ignored, then the
  // handshakes in flight and what the kernel already accepted taken in, then the
  // listener closed: see handshake_filter.h), close connections idle after an
  // answer, let the rest finish (Connection::drain).
  void drain();
  // Thread-safe: stop the loop now, whatever is in flight.
  void stop_now();

  boost::asio::io_context& io() { return io_; }
  Handler& handler() { return handler_; }
  const ServerLimits& limits() const { return limits_; }
  unsigned index() const { return index_; }
  boost::asio::ssl::context* tls() const { return tls_; }
  bool draining() const { return draining_; }
  // Answers announce Connection: close (begin_drain or drain was called).
  bool closing_connections() const { return closing_connections_; }

  std::list<Connection*>::iterator add(Connection* connection);
  // `client_key`: what budget.per_client.try_open gave the connection.
  void remove(std::list<Connection*>::iterator registration, std::string_view client_key);

 private:
  void accept();
  void accept_after_pause();
  void shed_with_reserve();
  void adopt(boost::asio::ip::tcp::socket socket);
  void adopt_pending_accepts();
  void close_listener();
  void schedule_sweep();
  void sweep();
  void reject(boost::asio::ip::tcp::socket& socket, RefusalKind why);
  static void discard_received(boost::asio::ip::tcp::socket& socket);
  void stopping();

  unsigned index_;
  const ServerLimits& limits_;
  Handler& handler_;
  ConnectionBudget& budget_;
  boost::asio::ssl::context* tls_;
  // Declared before io_ so it outlives it: destroying io_ destroys pending
  // handlers, whose connections then unregister themselves from this list.
  std::list<Connection*> connections_;
  boost::asio::io_context io_{1};
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  boost::asio::steady_timer sweep_timer_{io_};
  boost::asio::steady_timer accept_pause_{io_};
  boost::asio::steady_timer handshake_grace_{io_};  // drain: before the listener closes
  ReserveDescriptor reserve_;
  bool draining_ = false;
  bool stopping_reported_ = false;
  bool closing_connections_ = false;
};

}  // namespace smlapi::http
