// The seam between the HTTP layer and the application: the server parses a
// request and hands it here; it knows nothing about VADER, JWT or limits.
#pragma once

#include "http/request.h"
#include "http/response.h"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <span>
#include <string_view>

namespace smlapi::http {

// Completes a request later, from any thread (e.g. after Argon2 hashing on a
// worker pool). The connection waits, reading nothing, until send() is called.
class DeferredReply {
 public:
  explicit DeferredReply(std::function<void(Response)> send) : send_(std::move(send)) {}
  void send(Response response) const { send_(std::move(response)); }

 private:
  std::function<void(Response)> send_;
};

class RequestContext {
 public:
  virtual ~RequestContext() = default;
  virtual unsigned worker_index() const = 0;
  // Switch this request to a deferred answer; the handler must then return
  // Outcome::deferred and not touch the Response it was given.
  virtual DeferredReply defer() = 0;
};

enum class Outcome { done, deferred };

// Why the HTTP layer answered by itself.
enum class RefusalKind {
  bad_request,
  header_too_large,
  target_too_long,
  body_too_large,
  length_required,
  timeout,
  too_many_connections,         // the server's connection budget is spent
  too_many_client_connections,  // this client (address or IPv6 /64) holds its share already
  out_of_descriptors            // the process ran out of file descriptors (EMFILE/ENFILE)
};

// Why a TLS handshake did not complete (TLS listeners only).
enum class TlsHandshakeFailure {
  rejected,    // not TLS (e.g. plain HTTP), an old protocol version, no shared cipher...
  timed_out,   // not completed within the header timeout (a slow-loris at the TLS level)
  peer_closed  // the client closed or reset the connection first (e.g. a TCP probe)
};

class Handler {
 public:
  virtual ~Handler() = default;
  // Extension header fields (lower-case names, at most kMaxKeptFields) the parser keeps in
  // Request::kept for this handler, by position: the HTTP layer knows only standard fields.
  virtual std::span<const std::string_view> kept_fields() const { return {}; }
  // Called on the connection's worker thread for each complete request.
  virtual Outcome handle(const Request& request, Response& response, RequestContext& context) = 0;
  // A request sent "Expect: 100-continue" and waits before sending its body: the handler runs
  // its whole admission on the head. `response.status` 100 lets the body come (100 Continue;
  // handle() then sees Request::admitted, and `response` keeps the headers set here); any other
  // status answers now with `response` (the body is never read, the connection closes), so a
  // request that would be refused — token, scope, rate limit, deny-list — never makes the
  // client upload it first. A decision that waits (a store round trip) defers as handle() does
  // (context.defer(), Outcome::deferred); the connection reads nothing until the reply comes,
  // and the reply's status decides the same way.
  virtual Outcome before_body(const Request& /*head*/, Response& response,
                              RequestContext& /*context*/) {
    response.status = 100;
    return Outcome::done;
  }
  // The HTTP layer refused a request on its own (malformed, limits, timeouts):
  // fill the error answer, record it. `request` may be partially filled.
  virtual void refused(unsigned worker_index, RefusalKind kind, const Request& request,
                       Response& response) = 0;
  // A worker's event loop starts (called on its thread, before any connection): a handler
  // with I/O of its own per worker (e.g. an asynchronous Redis client) attaches it here.
  virtual void worker_started(unsigned /*worker_index*/, boost::asio::io_context& /*io*/) {}
  // A draining worker has no connection left: release what worker_started attached, so the
  // loop can run dry and the thread end. Called on the worker's thread, once.
  virtual void worker_stopping(unsigned /*worker_index*/) {}
  // Periodic, on each worker thread (about twice a second): flush buffers, etc.
  virtual void tick(unsigned worker_index) = 0;
  // Connection accounting for metrics (called on worker threads).
  virtual void connection_opened(unsigned worker_index) = 0;
  virtual void connection_closed(unsigned worker_index) = 0;
  // A TLS handshake failed; the connection is closed without an HTTP answer.
  // Called on the worker thread. Default: not counted.
  virtual void tls_handshake_failed(unsigned /*worker_index*/, TlsHandshakeFailure /*why*/) {}
};

}  // namespace smlapi::http
