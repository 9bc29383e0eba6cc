#include "wire_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>

#include <poll.h>

#include <charconv>

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

void WireClient::send(std::string_view bytes) {
  boost::system::error_code ec;  // the server may already have closed: reads will tell
  asio::write(socket_, asio::buffer(bytes.data(), bytes.size()), ec);
}

bool WireClient::fill(std::chrono::milliseconds patience) {
  if (ended_) return false;
  pollfd descriptor{socket_.native_handle(), POLLIN, 0};
  if (::poll(&descriptor, 1, static_cast<int>(patience.count())) <= 0) return false;
  char chunk[16 * 1024];
  boost::system::error_code ec;
  std::size_t n = socket_.read_some(asio::buffer(chunk), ec);
  if (ec || n == 0) {
    ended_ = true;  // EOF or reset
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

bool WireClient::closed_by_server(std::chrono::milliseconds patience) {
  if (!buffer_.empty()) return false;
  while (fill(patience)) {
    if (!buffer_.empty()) return false;
  }
  return ended_;
}

}  // namespace smlapi::http::testing
