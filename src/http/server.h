// The HTTP server: N workers (default one per core), each a thread with its own
// event loop and acceptor on the same port; plain HTTP or, with a TLS context,
// HTTPS only.
#pragma once

#include "http/handler.h"
#include "http/limits.h"
#include "net/trusted_proxies.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace smlapi::http {

class Worker;
struct ConnectionBudget;

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  unsigned threads = 0;  // 0: one per core
  ServerLimits limits;
  // Set: every connection speaks TLS (see tls_context.h), answers carry HSTS.
  // Shared read-only by the workers (OpenSSL contexts are thread-safe once built).
  std::shared_ptr<boost::asio::ssl::context> tls;
  // Peers exempt from limits.max_connections_per_client (an ingress carries many clients).
  net::TrustedProxies proxies;
};

class Server {
 public:
  Server(ServerConfig config, Handler& handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every acceptor (throws boost::system::system_error when the address
  // cannot be bound) and starts the worker threads.
  void start();
  std::uint16_t port() const { return bound_port_; }
  unsigned threads() const { return static_cast<unsigned>(workers_.size()); }
  // Thread-safe: runs `work` on worker `worker`'s event loop (another protocol's listener, e.g.
  // gRPC, hands its requests to the Handler there). Only while the workers run: stop that
  // listener before shutdown(), or work posted late may never run.
  void post(unsigned worker, std::function<void()> work);
  // The start of a graceful shutdown (SIGTERM): keep accepting and serving, but
  // every answer from now on says Connection: close and its connection closes
  // after it, so each client learns with an answer, never by a close that could
  // cross its next request. Idle connections are left open: closing one races
  // the request its client may be sending.
  void begin_drain();
  // Stop accepting, close idle connections, finish in-flight answers (and the
  // requests already buffered behind them), close; after `deadline` stop hard.
  // Returns true when everything finished in time. Implies begin_drain().
  bool shutdown(std::chrono::milliseconds deadline);

 private:
  ServerConfig config_;
  Handler& handler_;
  std::unique_ptr<ConnectionBudget> budget_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::uint16_t bound_port_ = 0;
};

}  // namespace smlapi::http
