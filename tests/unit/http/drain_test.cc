// The graceful drain as a client sees it, in-process over loopback: after
// begin_drain() every answer says Connection: close while new connections are
// still served; requests already sent (pipelined, or on a connection accepted
// but not yet read) are answered before the connection closes, at
// begin_drain() and at shutdown() alike, and the last answer reaches the client
// whole even when its next request crossed it.
#include "http/server.h"

#include "echo_server.h"
#include "wire_client.h"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <future>
#include <memory>
#include <string>
#include <thread>

namespace smlapi::http {
namespace {

using testing::EchoHandler;
using testing::kHangGuard;
using testing::short_limits;
using testing::start_server;
using testing::WireClient;

constexpr std::string_view kGetA = "GET /a HTTP/1.1\r\nHost: t\r\n\r\n";

class DrainTest : public ::testing::Test {
 protected:
  void SetUp() override { start(short_limits()); }
  void start(const ServerLimits& limits) {
    if (server_) {
      EXPECT_TRUE(server_->shutdown(kHangGuard));
    }
    server_ = start_server(handler_, limits);
  }
  void TearDown() override {
    if (server_) {
      EXPECT_TRUE(server_->shutdown(kHangGuard)) << "workers did not drain";
    }
  }

  std::uint16_t port() const { return server_->port(); }

  // True while a connection to the port is accepted (by us or by the backlog).
  bool accepting() const {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    boost::system::error_code ec;
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port()}, ec);
    return !ec;
  }

  EchoHandler handler_;
  std::unique_ptr<Server> server_;
};

// The next answer on `client`; its Connection field ("" when absent).
std::string exchange_answer(WireClient& client) {
  auto response = client.read_response();
  EXPECT_TRUE(response.has_value());
  if (!response) return "no answer";
  EXPECT_EQ(response->status, 200u);
  return response->header("Connection").value_or("");
}

// One request on `client`; the answer's Connection field ("" when absent).
std::string exchange(WireClient& client) {
  client.send(kGetA);
  return exchange_answer(client);
}

TEST_F(DrainTest, AnswersAnnounceTheCloseAndTheListenerStaysOpen) {
  WireClient open_before(port());
  EXPECT_EQ(exchange(open_before), "");
  server_->begin_drain();
  EXPECT_EQ(exchange(open_before), "close");
  EXPECT_TRUE(open_before.closed_by_server());
  WireClient opened_after(port());
  EXPECT_EQ(exchange(opened_after), "close");
  EXPECT_TRUE(opened_after.closed_by_server());
}

TEST_F(DrainTest, PipelinedRequestsAreAnsweredAndOnlyTheLastAnnouncesTheClose) {
  WireClient client(port());
  EXPECT_EQ(exchange(client), "");
  server_->begin_drain();
  std::string three;
  for (int i = 0; i < 3; ++i) three.append(kGetA);
  client.send(three);
  for (std::string_view expected : {"", "", "close"}) {
    auto response = client.read_response();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->header("Connection").value_or(""), expected);
  }
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(handler_.handled.load(), 4);
}

TEST_F(DrainTest, IdleConnectionsStayOpenUntilShutdown) {
  WireClient idle(port());
  EXPECT_EQ(exchange(idle), "");
  server_->begin_drain();
  // Still open: its next request would announce the close.
  EXPECT_FALSE(idle.closed_by_server(std::chrono::milliseconds(300)));
  EXPECT_TRUE(server_->shutdown(kHangGuard));
  server_.reset();
  EXPECT_TRUE(idle.closed_by_server());
}

TEST_F(DrainTest, ShutdownServesTheFirstRequestOfANewConnection) {
  auto fresh = std::make_unique<WireClient>(port());
  auto stopped = std::async(std::launch::async, [this] { return server_->shutdown(kHangGuard); });
  // Each probe is a connection of its own (within the connection ceiling): a few.
  while (accepting()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(exchange(*fresh), "close");
  EXPECT_TRUE(fresh->closed_by_server());
  fresh.reset();  // as a client does after the close: the server stops lingering
  EXPECT_TRUE(stopped.get()) << "the workers had to be stopped";
  server_.reset();
}

// The answer announcing the close is too large for the socket buffers, so it is
// still on its way when the client's next request (sent before it read the
// close) arrives. Closing the socket then would make the kernel reset the
// connection and drop the rest of the answer; the server lingers instead.
TEST_F(DrainTest, ARequestCrossingTheLastAnswerDoesNotCutItShort) {
  constexpr std::size_t kLargeBody = 8 * 1024 * 1024;
  ServerLimits limits = short_limits();
  limits.max_body_bytes = kLargeBody;
  start(limits);
  WireClient client(port());
  server_->begin_drain();
  client.send("POST /large HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(kLargeBody) +
              "\r\n\r\n" + std::string(kLargeBody, 'x'));
  // Not a timing assumption: sent earlier, the request is simply answered too.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  client.send(kGetA);
  auto large = client.read_response();
  ASSERT_TRUE(large.has_value()) << "the answer was cut short";
  EXPECT_EQ(large->body.size(), std::string_view("POST /large ").size() + kLargeBody);
  if (large->header("Connection").value_or("") != "close") {
    EXPECT_EQ(exchange_answer(client), "close");
  }
  EXPECT_TRUE(client.closed_by_server());
}

}  // namespace
}  // namespace smlapi::http
