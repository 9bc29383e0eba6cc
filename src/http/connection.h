// One keep-alive TCP connection, driven by hand (read_some -> parser.put ->
// handler -> one write) so the hot path has no per-operation timer and no
// composed-operation overhead. Timeouts are enforced by the owning Worker's
// coarse deadline sweep (see worker.h). On a TLS listener the same connection
// runs over an ssl::stream layered on the socket, after a handshake phase bounded
// by the header timeout; the plain path does not pay for it beyond a branch.
#pragma once

#include "http/handler.h"
#include "http/limits.h"
#include "http/request.h"
#include "http/request_parser.h"
#include "http/response.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <list>
#include <memory>
#include <optional>
#include <string>

namespace smlapi::http {

class Worker;

class Connection final : public std::enable_shared_from_this<Connection>, private RequestContext {
 public:
  using Clock = std::chrono::steady_clock;

  // `client_key`: the connection's share of its client's cap (Worker::adopt), given back on close.
  Connection(Worker& worker, boost::asio::ip::tcp::socket socket, std::string client_key = {});
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start();
  // Called by the worker's sweep when the deadline has passed.
  void expire();
  // Server shutdown: close now if idle after an answer; otherwise finish what
  // the client sent (a new connection's first request included), then close.
  void drain();
  Clock::time_point deadline() const { return deadline_; }

 private:
  // handshake: TLS only, before the first request. closing: after the last
  // answer, sending close_notify (TLS) or lingering (plain, see linger()).
  enum class Phase { handshake, idle, header, body, handling, writing, closing, closed };
  using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>;

  unsigned worker_index() const override;
  DeferredReply defer() override;

  void start_handshake();
  void on_handshake(const boost::system::error_code& ec);
  void begin_request();
  void parse_buffered();
  void read_more();
  void on_read(const boost::system::error_code& ec, std::size_t bytes);
  void on_header_complete();
  void dispatch();
  void refuse(RefusalKind kind);
  void finish_response();
  bool announces_close();
  void write_out(bool keep_alive);
  void admission_decided();
  void send_continue();
  template <typename Done>
  void write_bytes(boost::asio::const_buffer bytes, Done&& done);
  bool has_unread_input();
  void linger();
  void discard_input();
  void say_goodbye();
  void close();

  Worker& worker_;
  const ServerLimits& limits_;
  boost::asio::ip::tcp::socket socket_;
  std::optional<TlsStream> tls_;  // set on TLS listeners; layered on socket_
  std::string peer_address_;
  boost::beast::flat_buffer buffer_;
  Request request_;
  Response response_;
  std::optional<RequestParser> parser_;
  std::string out_;
  Phase phase_ = Phase::idle;
  Clock::time_point deadline_;
  std::uint32_t requests_served_ = 0;
  bool timed_out_ = false;
  bool continue_sent_ = false;
  bool deferred_ = false;
  bool awaiting_admission_ = false;  // before_body() has not decided yet
  std::list<Connection*>::iterator registration_;
  std::string client_key_;
};

}  // namespace smlapi::http
