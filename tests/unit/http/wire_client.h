// A raw HTTP/1.1 test client on a blocking Boost.Asio socket: it writes exact
// bytes and reads answers back, giving up only after kPatience (a hang guard, not
// a speed bound), so a misbehaving server fails a test instead of hanging it.
// Optionally over TLS (OpenSSL on the same socket).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/ssl.h>

namespace smlapi::http::testing {

struct WireResponse {
  unsigned status = 0;
  std::string head;  // status line and header fields
  std::string body;
  // Value of the first header field `name` (case-insensitive), if present.
  std::optional<std::string> header(std::string_view name) const;
};

class WireClient {
 public:
  // Far beyond the 300 ms timeouts tests wait for: only a hang reaches it (as kHangGuard).
  static constexpr std::chrono::milliseconds kPatience{10'000};

  explicit WireClient(std::uint16_t port);
  // TLS: handshakes at once with a client context the test configured
  // (versions, trust anchors...); see handshake_completed().
  WireClient(std::uint16_t port, SSL_CTX* tls);
  ~WireClient();
  WireClient(const WireClient&) = delete;
  WireClient& operator=(const WireClient&) = delete;

  bool handshake_completed() const { return handshake_completed_; }
  // ALPN protocol the server chose (TLS only; empty when none).
  std::string alpn() const;
  // TLS: the server ended the stream with close_notify (not a bare TCP close).
  bool close_notify_received() const { return close_notify_received_; }
  // Everything received until the server closed, or nullopt when it did not
  // close within `patience`.
  std::optional<std::string> read_until_closed(std::chrono::milliseconds patience = kPatience);
  void send(std::string_view bytes);
  // One answer (body per Content-Length; none for 1xx/204 or `head_request`),
  // or nullopt when the connection ended or nothing came in time.
  std::optional<WireResponse> read_response(bool head_request = false,
                                            std::chrono::milliseconds patience = kPatience);
  // True when the server closes the connection without sending anything more.
  bool closed_by_server(std::chrono::milliseconds patience = kPatience);

 private:
  // Appends what arrives within `patience`; false on end of stream or timeout.
  bool fill(std::chrono::milliseconds patience);

  bool read_some(char* chunk, std::size_t size, std::size_t& received);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_{io_};
  SSL* ssl_ = nullptr;
  bool handshake_completed_ = false;
  bool close_notify_received_ = false;
  std::string buffer_;
  bool ended_ = false;
};

}  // namespace smlapi::http::testing
