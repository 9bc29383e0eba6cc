#include "http/connection.h"

#include "http/response_writer.h"
#include "http/worker.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

namespace smlapi::http {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
constexpr std::size_t kReadChunk = 16 * 1024;
// How long a plain connection waits, after its last answer, for its client to
// close too (see linger()): enough for a client reading the answer, short
// enough not to hold a shutdown for one that never closes.
constexpr auto kLingerTimeout = std::chrono::seconds(2);

// The client went away during the handshake (closed, reset, or ended the TCP
// stream without a TLS close), as opposed to sending something we refused.
bool is_peer_close(const error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated;
}
}  // namespace

Connection::Connection(Worker& worker, asio::ip::tcp::socket socket, std::string client_key)
    : worker_(worker),
      limits_(worker.limits()),
      socket_(std::move(socket)),
      client_key_(std::move(client_key)) {
  error_code ec;
  auto endpoint = socket_.remote_endpoint(ec);
  if (!ec) peer_address_ = endpoint.address().to_string();
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);  // answers are one write: no Nagle
  if (asio::ssl::context* context = worker_.tls()) tls_.emplace(socket_, *context);
  registration_ = worker_.add(this);
  worker_.handler().connection_opened(worker_.index());
}

Connection::~Connection() {
  worker_.remove(registration_, client_key_);
  worker_.handler().connection_closed(worker_.index());
}

unsigned Connection::worker_index() const { return worker_.index(); }

void Connection::start() {
  if (tls_) {
    start_handshake();
    return;
  }
  begin_request();
  read_more();
}

void Connection::start_handshake() {
  phase_ = Phase::handshake;
  deadline_ = Clock::now() + limits_.header_timeout;
  tls_->async_handshake(
      asio::ssl::stream_base::server,
      [self = shared_from_this()](const error_code& ec) { self->on_handshake(ec); });
}

void Connection::on_handshake(const error_code& ec) {
  if (phase_ == Phase::closed) return;  // expired (counted there) or drained
  if (ec) {
    worker_.handler().tls_handshake_failed(worker_.index(), is_peer_close(ec)
                                                                ? TlsHandshakeFailure::peer_closed
                                                                : TlsHandshakeFailure::rejected);
    close();
    return;
  }
  // The first request's wait for its first byte stays within the deadline the
  // handshake started with: connecting, handshaking and then sending nothing is
  // bounded by one header timeout, as on plain HTTP.
  Clock::time_point connected_deadline = deadline_;
  begin_request();
  deadline_ = connected_deadline;
  read_more();
}

template <typename Done>
void Connection::write_bytes(asio::const_buffer bytes, Done&& done) {
  if (tls_) {
    asio::async_write(*tls_, bytes, std::forward<Done>(done));
  } else {
    asio::async_write(socket_, bytes, std::forward<Done>(done));
  }
}

void Connection::begin_request() {
  request_.clear();
  response_.clear();
  parser_.emplace(request_, limits_, worker_.handler().kept_fields());
  continue_sent_ = false;
  awaiting_admission_ = false;
  timed_out_ = false;
  deferred_ = false;
  phase_ = Phase::idle;
  deadline_ =
      Clock::now() + (requests_served_ == 0 ? limits_.header_timeout : limits_.idle_timeout);
}

void Connection::read_more() {
  auto space = buffer_.prepare(kReadChunk);
  auto done = [self = shared_from_this()](const error_code& ec, std::size_t n) {
    self->on_read(ec, n);
  };
  if (tls_) {
    tls_->async_read_some(space, std::move(done));
  } else {
    socket_.async_read_some(space, std::move(done));
  }
}

void Connection::on_read(const error_code& ec, std::size_t bytes) {
  if (phase_ == Phase::closed) return;
  if (ec) {
    if (timed_out_ && (phase_ == Phase::header || phase_ == Phase::body)) {
      refuse(RefusalKind::timeout);  // a slow client hears why it was cut off
      return;
    }
    if (ec == asio::error::eof && (phase_ == Phase::header || phase_ == Phase::body)) {
      error_code eof_ec;
      parser_->put_eof(eof_ec);
      if (!eof_ec && parser_->is_done()) {
        dispatch();
        return;
      }
    }
    close();
    return;
  }
  buffer_.commit(bytes);
  if (phase_ == Phase::idle && bytes > 0) {
    phase_ = Phase::header;  // the header clock starts at the first byte, not per byte
    deadline_ = Clock::now() + limits_.header_timeout;
  }
  parse_buffered();
}

void Connection::parse_buffered() {
  while (buffer_.size() > 0) {
    if (phase_ == Phase::idle) {
      phase_ = Phase::header;
      deadline_ = Clock::now() + limits_.header_timeout;
    }
    error_code ec;
    std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (phase_ == Phase::header && parser_->is_header_done()) on_header_complete();
    if (ec == boost::beast::http::error::need_more) break;
    if (ec) {
      switch (classify_parse_error(ec, parser_->refusal())) {
        case ParseRefusal::header_too_large:
          refuse(RefusalKind::header_too_large);
          return;
        case ParseRefusal::target_too_long:
          refuse(RefusalKind::target_too_long);
          return;
        case ParseRefusal::body_too_large:
          refuse(RefusalKind::body_too_large);
          return;
        case ParseRefusal::length_required:
          refuse(RefusalKind::length_required);
          return;
        default:
          refuse(RefusalKind::bad_request);
          return;
      }
    }
    if (parser_->is_done()) {
      dispatch();
      return;
    }
    if (used == 0) break;
  }
  if (phase_ == Phase::body && request_.expect_continue && !continue_sent_) {
    response_.clear();
    // Reading nothing while admission decides (it may wait for a store): the client waits for
    // our 100 or our answer; the handler bounds its own wait, as in dispatch().
    phase_ = Phase::handling;
    deadline_ = Clock::time_point::max();
    awaiting_admission_ = true;
    if (worker_.handler().before_body(request_, response_, *this) == Outcome::done) {
      admission_decided();
    }
    return;
  }
  read_more();
}

void Connection::on_header_complete() {
  phase_ = Phase::body;
  request_.peer_address = peer_address_;
  deadline_ = Clock::now() + limits_.body_timeout;
}

// before_body()'s verdict, at once or from its deferred reply: 100 and the body, or the answer.
void Connection::admission_decided() {
  awaiting_admission_ = false;
  deferred_ = false;
  if (response_.status != 100) {
    deadline_ = Clock::now() + limits_.write_timeout;
    response_.close_connection = true;  // the body was never read
    return finish_response();
  }
  request_.admitted = true;
  response_.status = 200;  // the final answer's, with the headers admission set (RateLimit)
  phase_ = Phase::body;
  deadline_ = Clock::now() + limits_.body_timeout;
  send_continue();
}

void Connection::send_continue() {
  continue_sent_ = true;
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  write_bytes(asio::buffer(kContinue.data(), kContinue.size()),
              [self = shared_from_this()](const error_code& ec, std::size_t) {
                if (ec) return self->close();
                self->read_more();
              });
}

void Connection::dispatch() {
  phase_ = Phase::handling;
  deadline_ = Clock::time_point::max();  // the application bounds its own work
  request_.peer_address = peer_address_;
  ++requests_served_;
  if (worker_.handler().handle(request_, response_, *this) == Outcome::done) finish_response();
}

DeferredReply Connection::defer() {
  deferred_ = true;
  auto self = shared_from_this();
  return DeferredReply([self](Response response) {
    asio::post(self->socket_.get_executor(), [self, response = std::move(response)]() mutable {
      if (self->phase_ != Phase::handling) return;
      self->response_ = std::move(response);
      if (self->awaiting_admission_) return self->admission_decided();
      self->finish_response();
    });
  });
}

void Connection::refuse(RefusalKind kind) {
  request_.peer_address = peer_address_;
  response_.clear();
  worker_.handler().refused(worker_.index(), kind, request_, response_);
  response_.close_connection = true;  // the stream position is unknown after a bad request
  finish_response();
}

void Connection::finish_response() {
  bool keep_alive = request_.keep_alive && !response_.close_connection && !announces_close() &&
                    requests_served_ < limits_.max_requests_per_connection;
  out_.clear();
  ResponseContext context{.request_id = {},
                          .keep_alive = keep_alive,
                          .head_request = request_.method == boost::beast::http::verb::head,
                          .tls = tls_.has_value()};
  write_response(response_, context, out_);
  write_out(keep_alive);
}

// While the server drains, an answer carries Connection: close unless the client
// already sent more (pipelined): a request we hold is answered, so the close is
// announced by the last answer instead, and nothing sent before it is dropped.
bool Connection::announces_close() { return worker_.closing_connections() && !has_unread_input(); }

void Connection::write_out(bool keep_alive) {
  phase_ = Phase::writing;
  deadline_ = Clock::now() + limits_.write_timeout;
  write_bytes(asio::buffer(out_),
              [self = shared_from_this(), keep_alive](const error_code& ec, std::size_t) {
                // A drain that began while this answer was being written found the
                // connection busy and left it: it is settled here, as drain() would have
                // (a request already sent is still answered, then with Connection: close).
                const bool drained = self->worker_.draining() && !self->has_unread_input();
                if (ec) return self->close();
                if (!keep_alive || drained)
                  return self->tls_ ? self->say_goodbye() : self->linger();
                self->begin_request();
                if (self->buffer_.size() > 0) {
                  self->parse_buffered();  // pipelined requests already buffered
                } else {
                  self->read_more();
                }
              });
}

void Connection::expire() {
  if (phase_ == Phase::closed || phase_ == Phase::handling) return;
  if (phase_ == Phase::handshake) {
    worker_.handler().tls_handshake_failed(worker_.index(), TlsHandshakeFailure::timed_out);
    close();
    return;
  }
  if (phase_ == Phase::writing || phase_ == Phase::idle || phase_ == Phase::closing) {
    close();
    return;
  }
  timed_out_ = true;
  error_code ignored;
  socket_.cancel(ignored);  // on_read sees operation_aborted and answers 408
}

// Only a connection idle after an answer is closed: nothing is in flight, and
// it is the one close a drain cannot avoid (its client may be sending right now;
// during the delay such a connection was left open for its next request to
// announce the close). A new connection (handshaking, or no request yet) was
// opened to send one: it is served, within the header timeout.
void Connection::drain() {
  if (phase_ == Phase::idle && requests_served_ > 0 && !has_unread_input()) close();
}

bool Connection::has_unread_input() {
  error_code ec;
  if (buffer_.size() > 0 || socket_.available(ec) != 0 || ec) return true;
  if (!tls_) return false;
  // Bytes OpenSSL has received but we have not read: decrypted, or still in
  // the memory BIO between the socket and OpenSSL.
  SSL* ssl = tls_->native_handle();
  return SSL_pending(ssl) > 0 || BIO_ctrl_pending(SSL_get_rbio(ssl)) > 0;
}

// Ends a plain connection after its last answer. Closing a socket that has, or
// then receives, input makes the kernel reset the connection and drop what it
// has not sent yet, the answer included: a client whose next request crossed the
// answer announcing the close would lose that answer. So only the sending side
// is shut (the client reads the answer, then end of stream), and what still
// arrives is read and discarded until the client closes too, within
// kLingerTimeout (the sweep closes it then).
void Connection::linger() {
  phase_ = Phase::closing;
  deadline_ = Clock::now() + kLingerTimeout;
  error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  buffer_.consume(buffer_.size());
  discard_input();
}

void Connection::discard_input() {
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](const error_code& ec, std::size_t) {
                            if (self->phase_ == Phase::closed) return;
                            if (ec) return self->close();
                            self->discard_input();
                          });
}

// Ends a TLS connection after its last answer with close_notify, so the client
// can tell the end from a truncation, without ever waiting for the client's own
// close_notify: asio's shutdown reads after sending ours, and with our receive
// side shut that read ends at once. A client that does not read at all is cut
// off by the sweep at the write deadline.
void Connection::say_goodbye() {
  phase_ = Phase::closing;
  deadline_ = Clock::now() + limits_.write_timeout;
  error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_receive, ignored);
  tls_->async_shutdown([self = shared_from_this()](const error_code&) { self->close(); });
}

void Connection::close() {
  if (phase_ == Phase::closed) return;
  phase_ = Phase::closed;
  deadline_ = Clock::time_point::max();
  error_code ignored;
  socket_.close(ignored);
}

}  // namespace smlapi::http
