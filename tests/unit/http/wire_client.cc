#include "wire_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>

#include <poll.h>

#include <sys/socket.h>

#include <charconv>
#include <utility>

namespace smlapi::http::testing {

namespace asio = boost::asio;

std::optional<std::string> WireResponse::header(std::string_view name) const {
  std::string_view rest = head;
  while (!rest.empty()) {
    auto end = rest.find("\r\n");
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (!boost::beast::iequals(line.substr(0, colon), name)) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    return std::string(value);
  }
  return std::nullopt;
}

WireClient::WireClient(std::uint16_t port) {
  socket_.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
}

WireClient::WireClient(std::uint16_t port, SSL_CTX* tls) : WireClient(port) {
  // Blocking OpenSSL calls on the socket, each bounded by the patience.
  timeval timeout{kPatience.count() / 1000, 0};
  ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  ssl_ = SSL_new(tls);
  SSL_set_fd(ssl_, socket_.native_handle());
  SSL_set1_host(ssl_, "127.0.0.1");  // checked only when the context verifies
  handshake_completed_ = SSL_connect(ssl_) == 1;
  if (!handshake_completed_) ended_ = true;
}

WireClient::~WireClient() {
  if (ssl_ != nullptr) SSL_free(ssl_);
}

std::string WireClient::alpn() const {
  const unsigned char* protocol = nullptr;
  unsigned int length = 0;
  if (ssl_ != nullptr) SSL_get0_alpn_selected(ssl_, &protocol, &length);
  return protocol != nullptr ? std::string(reinterpret_cast<const char*>(protocol), length) : "";
}

void WireClient::send(std::string_view bytes) {
  if (ssl_ != nullptr) {
    if (handshake_completed_ && !bytes.empty()) {
      SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
    }
    return;
  }
  boost::system::error_code ec;  // the server may already have closed: reads will tell
  asio::write(socket_, asio::buffer(bytes.data(), bytes.size()), ec);
}

bool WireClient::read_some(char* chunk, std::size_t size, std::size_t& received) {
  if (ssl_ == nullptr) {
    boost::system::error_code ec;
    received = socket_.read_some(asio::buffer(chunk, size), ec);
    return !ec && received > 0;
  }
  int n = SSL_read(ssl_, chunk, static_cast<int>(size));
  if (n > 0) {
    received = static_cast<std::size_t>(n);
    return true;
  }
  close_notify_received_ = SSL_get_error(ssl_, n) == SSL_ERROR_ZERO_RETURN;
  return false;
}

bool WireClient::fill(std::chrono::milliseconds patience) {
  if (ended_) return false;
  bool buffered = ssl_ != nullptr && SSL_pending(ssl_) > 0;
  pollfd descriptor{socket_.native_handle(), POLLIN, 0};
  if (!buffered && ::poll(&descriptor, 1, static_cast<int>(patience.count())) <= 0) return false;
  char chunk[16 * 1024];
  std::size_t n = 0;
  if (!read_some(chunk, sizeof chunk, n)) {
    ended_ = true;  // EOF, reset or TLS failure
    return false;
  }
  buffer_.append(chunk, n);
  return true;
}

std::optional<WireResponse> WireClient::read_response(bool head_request,
                                                      std::chrono::milliseconds patience) {
  std::size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(patience)) return std::nullopt;
  }
  WireResponse response;
  response.head = buffer_.substr(0, head_end);
  buffer_.erase(0, head_end + 4);
  if (response.head.rfind("HTTP/1.1 ", 0) != 0 || response.head.size() < 12) return std::nullopt;
  std::from_chars(response.head.data() + 9, response.head.data() + 12, response.status);
  std::size_t length = 0;
  if (auto value = response.header("Content-Length")) {
    std::from_chars(value->data(), value->data() + value->size(), length);
  }
  if (head_request || response.status < 200 || response.status == 204) length = 0;
  while (buffer_.size() < length) {
    if (!fill(patience)) return std::nullopt;
  }
  response.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return response;
}

std::optional<std::string> WireClient::read_until_closed(std::chrono::milliseconds patience) {
  while (fill(patience)) {
  }
  if (!ended_) return std::nullopt;
  return std::exchange(buffer_, {});
}

bool WireClient::closed_by_server(std::chrono::milliseconds patience) {
  if (!buffer_.empty()) return false;
  while (fill(patience)) {
    if (!buffer_.empty()) return false;
  }
  return ended_;
}

}  // namespace smlapi::http::testing
