#include "http/worker.h"

#include "http/connection.h"
#include "http/handshake_filter.h"
#include "http/response_writer.h"

#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <optional>
#include <string>

namespace smlapi::http {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
constexpr auto kSweepInterval = std::chrono::milliseconds(250);
// How long a draining listener keeps accepting after it stopped taking new connection attempts:
// handshakes already under way complete within a round trip.
constexpr auto kHandshakeGrace = std::chrono::milliseconds(200);
}  // namespace

Worker::Worker(unsigned index, const ServerLimits& limits, Handler& handler,
               ConnectionBudget& budget, boost::asio::ssl::context* tls)
    : index_(index), limits_(limits), handler_(handler), budget_(budget), tls_(tls) {}

void Worker::listen(const asio::ip::tcp::endpoint& endpoint) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  int one = 1;
  if (::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    throw boost::system::system_error(error_code(errno, boost::system::system_category()),
                                      "setsockopt(SO_REUSEPORT)");
  }
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

std::uint16_t Worker::local_port() const { return acceptor_.local_endpoint().port(); }

void Worker::run() {
  handler_.worker_started(index_, io_);
  accept();
  schedule_sweep();
  io_.run();
  stopping();  // stopped at the deadline: release the handler's per-worker I/O all the same
}

void Worker::stopping() {
  if (stopping_reported_) return;
  stopping_reported_ = true;
  handler_.worker_stopping(index_);
}

namespace {
constexpr auto kAcceptPause = std::chrono::milliseconds(100);

bool out_of_descriptors(const error_code& ec) {
  return ec == asio::error::no_descriptors ||
         ec == error_code(ENFILE, boost::system::system_category());
}

// Errors of one connection (it was reset while queued, a firewall rule...): the next one may
// be fine, accept again at once. Anything else (no buffer space, no memory) pauses accepting.
bool error_of_one_connection(const error_code& ec) {
  return ec == asio::error::connection_aborted || ec == asio::error::connection_reset ||
         ec == error_code(EPROTO, boost::system::system_category()) ||
         ec == error_code(EPERM, boost::system::system_category());
}
}  // namespace

void Worker::accept() {
  acceptor_.async_accept([this](const error_code& ec, asio::ip::tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (out_of_descriptors(ec)) return shed_with_reserve();
      if (error_of_one_connection(ec)) return accept();
      return accept_after_pause();  // accepting again at once would spin on the same error
    }
    adopt(std::move(socket));
    if (acceptor_.is_open()) accept();
  });
}

void Worker::accept_after_pause() {
  accept_pause_.expires_after(kAcceptPause);
  accept_pause_.async_wait([this](const error_code& ec) {
    if (!ec && acceptor_.is_open()) accept();
  });
}

// Out of descriptors (see reserve_descriptor.h): the reserve lets the waiting client hear a
// 503 instead of hanging, and empties the backlog so the loop goes idle. Without the reserve
// back (another thread took the descriptor), pause before accepting again.
void Worker::shed_with_reserve() {
  error_code ec = asio::error::no_descriptors;
  if (reserve_.release()) {
    asio::ip::tcp::socket socket(io_);
    acceptor_.non_blocking(true, ec);
    if (!ec) acceptor_.accept(socket, ec);
    if (!ec) reject(socket, RefusalKind::out_of_descriptors);
  }
  const bool reserve_back = reserve_.acquire();
  if (ec == asio::error::would_block && reserve_back) {
    // Nobody waiting. Linux takes the descriptor before it looks at the backlog, so accept()
    // would fail with EMFILE at once again: wait until a client is really there.
    return acceptor_.async_wait(asio::socket_base::wait_read, [this](const error_code& waited) {
      if (!waited && acceptor_.is_open()) accept();
    });
  }
  if (!ec && reserve_back) return accept();
  accept_after_pause();  // no reserve: the waiting clients stay queued until descriptors free
}

void Worker::adopt(asio::ip::tcp::socket socket) {
  if (budget_.open.fetch_add(1, std::memory_order_relaxed) >= budget_.max) {
    budget_.open.fetch_sub(1, std::memory_order_relaxed);
    reject(socket, RefusalKind::too_many_connections);
    return;
  }
  error_code ec;
  auto peer = socket.remote_endpoint(ec);
  std::optional<std::string> client_key =
      ec ? std::optional<std::string>(std::string()) : budget_.per_client.try_open(peer.address());
  if (!client_key) {
    budget_.open.fetch_sub(1, std::memory_order_relaxed);
    reject(socket, RefusalKind::too_many_client_connections);
    return;
  }
  auto connection = std::make_shared<Connection>(*this, std::move(socket), std::move(*client_key));
  connection->start();
}

// Connections the kernel completed but we have not accepted yet are reset when
// the acceptor closes, and their clients may already have sent a request: take
// them in (they are served like any other) before closing.
void Worker::adopt_pending_accepts() {
  error_code ec;
  acceptor_.non_blocking(true, ec);
  while (!ec) {
    asio::ip::tcp::socket socket(io_);
    acceptor_.accept(socket, ec);
    if (!ec) adopt(std::move(socket));
  }
}

// Over a connection ceiling: a best-effort 503 without blocking the loop. A
// TLS client cannot read plaintext and a handshake would cost what the ceiling
// protects, so TLS connections are just closed.
void Worker::reject(asio::ip::tcp::socket& socket, RefusalKind why) {
  Request none;
  Response ignored;
  handler_.refused(index_, why, none, ignored);  // counted before the client can hear it
  error_code ec;
  if (tls_ == nullptr) {
    std::string answer;
    write_simple_error(503,
                       why == RefusalKind::too_many_client_connections
                           ? "too many connections from this client"
                           : "too many connections",
                       answer);
    socket.non_blocking(true, ec);
    socket.write_some(asio::buffer(answer), ec);
    discard_received(socket);
  }
  socket.close(ec);
}

// Closing a socket with unread input makes the kernel reset the connection instead of ending
// it, and a reset can overtake the answer just written (seen as "connection reset" by clients
// that had already sent their request to a shed connection). What has arrived is read and
// dropped first, without waiting for more: a client still sending may be reset after all.
void Worker::discard_received(asio::ip::tcp::socket& socket) {
  error_code ec;
  socket.shutdown(asio::socket_base::shutdown_send, ec);
  std::array<char, 4096> sink;
  for (int reads = 0; reads < 16 && !ec; ++reads) {
    if (socket.read_some(asio::buffer(sink), ec) == 0) break;
  }
}

std::list<Connection*>::iterator Worker::add(Connection* connection) {
  return connections_.insert(connections_.end(), connection);
}

void Worker::remove(std::list<Connection*>::iterator registration, std::string_view client_key) {
  connections_.erase(registration);
  budget_.per_client.close(client_key);
  budget_.open.fetch_sub(1, std::memory_order_relaxed);
}

void Worker::schedule_sweep() {
  sweep_timer_.expires_after(kSweepInterval);
  sweep_timer_.async_wait([this](const error_code& ec) {
    if (ec) return;
    sweep();
    if (draining_ && !acceptor_.is_open() && connections_.empty()) {  // nothing left: return
      stopping();
      return;
    }
    schedule_sweep();
  });
}

void Worker::sweep() {
  auto now = std::chrono::steady_clock::now();
  // expire() may close a connection but never destroys it synchronously (its
  // pending operation holds a reference), so the list stays valid while we walk.
  for (Connection* connection : connections_) {
    if (connection->deadline() <= now) connection->expire();
  }
  handler_.tick(index_);
}

void Worker::begin_drain() {
  asio::post(io_, [this] { closing_connections_ = true; });
}

void Worker::drain() {
  asio::post(io_, [this] {
    draining_ = true;
    closing_connections_ = true;
    for (Connection* connection : connections_) connection->drain();
    if (!acceptor_.is_open()) return;
    // New attempts ignored, the handshakes in flight given time to complete (accepted as
    // usual meanwhile), then whatever is queued taken in, and only then the close.
    if (!ignore_new_connection_attempts(acceptor_.native_handle())) return close_listener();
    handshake_grace_.expires_after(kHandshakeGrace);
    handshake_grace_.async_wait([this](const error_code&) { close_listener(); });
  });
}

void Worker::close_listener() {
  if (!acceptor_.is_open()) return;
  adopt_pending_accepts();
  error_code ignored;
  acceptor_.close(ignored);
  accept_pause_.cancel();
  for (Connection* connection : connections_) connection->drain();  // the ones just taken in
}

void Worker::stop_now() { io_.stop(); }

}  // namespace smlapi::http
