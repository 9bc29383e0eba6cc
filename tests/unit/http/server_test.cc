// The HTTP server in-process on 127.0.0.1 (port 0) behind a fake Handler, driven
// by a raw TCP client: keep-alive, pipelining, refusals and timeouts as the
// client sees them. Only the tests of the timeouts set them short (300 ms); they wait
// for the server's answer without a time bound (kHangGuard only stops a hang), and
// nothing here asserts how fast anything is.
#include "http/server.h"

#include "echo_server.h"
#include "wire_client.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace smlapi::http {
namespace {

using testing::EchoHandler;
using testing::kHangGuard;
using testing::short_limits;
using testing::start_server;
using testing::status_for;
using testing::timeout_limits;
using testing::WireClient;
using testing::WireResponse;
using namespace std::chrono_literals;

class ServerTest : public ::testing::Test {
 protected:
  void start(ServerLimits limits = short_limits()) {
    server_ = start_server(handler_, limits);
    ASSERT_NE(server_->port(), 0);
  }

  void TearDown() override {
    if (server_) {
      EXPECT_TRUE(server_->shutdown(kHangGuard)) << "workers did not drain";
    }
  }

  std::uint16_t port() const { return server_->port(); }

  EchoHandler handler_;
  std::unique_ptr<Server> server_;
};

constexpr std::string_view kGetA = "GET /a HTTP/1.1\r\nHost: t\r\n\r\n";
constexpr std::string_view kGetB = "GET /b HTTP/1.1\r\nHost: t\r\n\r\n";

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  WireClient client(port());
  for (std::string_view request : {kGetA, kGetB, kGetA}) {
    client.send(request);
    auto response = client.read_response();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200u);
    EXPECT_FALSE(response->header("Connection").has_value());
    EXPECT_EQ(response->header("X-Content-Type-Options"), "nosniff");
    EXPECT_FALSE(response->header("Server").has_value());
  }
  EXPECT_EQ(handler_.handled.load(), 3);
  EXPECT_EQ(handler_.opened.load(), 1);
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  WireClient client(port());
  std::string both(kGetA);
  both.append("POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nxyz");
  client.send(both);
  auto first = client.read_response();
  auto second = client.read_response();
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->body, "GET /a ");
  EXPECT_EQ(second->body, "POST /b xyz");
}

TEST_F(ServerTest, MalformedRequestGets400ThenClose) {
  start();
  WireClient client(port());
  client.send("THIS IS NOT HTTP\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 400u);
  EXPECT_EQ(response->header("Connection"), "close");
  EXPECT_EQ(response->header("X-Frame-Options"), "DENY");
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(handler_.handled.load(), 0);
}

TEST_F(ServerTest, MalformedRequestAfterAGoodOneStillAnswersTheGoodOne) {
  start();
  WireClient client(port());
  std::string wire(kGetA);
  wire.append("GET / HTTP/1.1\r\nBad Header\r\n\r\n");
  client.send(wire);
  auto good = client.read_response();
  auto bad = client.read_response();
  ASSERT_TRUE(good.has_value());
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(good->status, 200u);
  EXPECT_EQ(bad->status, 400u);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, OversizeHeaderGets431) {
  start();
  WireClient client(port());
  std::string wire = "GET / HTTP/1.1\r\nHost: t\r\nX-Big: ";
  wire.append(2048, 'a').append("\r\n\r\n");
  client.send(wire);
  auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 431u);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, OversizeTargetGets414) {
  start();
  WireClient client(port());
  client.send("GET /" + std::string(300, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 414u);
}

TEST_F(ServerTest, OversizeBodyGets413) {
  start();
  WireClient client(port());
  client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 65\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413u);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, SlowHeaderGets408ThenClose) {
  start(timeout_limits());
  WireClient client(port());
  client.send("GET / HTTP/1.1\r\nHost: t\r\n");  // never finishes the header
  auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 408u);
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(handler_.refusals[static_cast<std::size_t>(RefusalKind::timeout)].load(), 1);
}

TEST_F(ServerTest, SlowClientDoesNotHoldTheOnlyWorker) {
  start();  // the slow client's header stays pending throughout (no short timeout)
  WireClient slow(port());
  slow.send("GET / HTTP/1.1\r\nHo");
  WireClient quick(port());
  quick.send(kGetA);
  auto response = quick.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200u);
  slow.send("st: t\r\n\r\n");  // and the slow one is still served
  auto late = slow.read_response();
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->status, 200u);
}

TEST_F(ServerTest, SlowBodyGets408) {
  start(timeout_limits());
  WireClient client(port());
  client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
  auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 408u);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, SilentConnectionIsClosed) {
  start(timeout_limits());
  WireClient client(port());
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosed) {
  start(timeout_limits());
  WireClient client(port());
  client.send(kGetA);
  ASSERT_TRUE(client.read_response().has_value());
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, Http10ConnectionIsClosedAfterTheAnswer) {
  start();
  WireClient client(port());
  client.send("GET /old HTTP/1.0\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(response->header("Connection"), "close");
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, ConnectionCloseFromTheClientIsHonoured) {
  start();
  WireClient client(port());
  client.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->header("Connection"), "close");
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, MaxRequestsPerConnectionClosesAfterTheLast) {
  ServerLimits limits = short_limits();
  limits.max_requests_per_connection = 2;
  start(limits);
  WireClient client(port());
  client.send(kGetA);
  auto first = client.read_response();
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(first->header("Connection").has_value());
  client.send(kGetB);
  auto second = client.read_response();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->status, 200u);
  EXPECT_EQ(second->header("Connection"), "close");
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, ExpectContinueGets100BeforeTheBody) {
  start();
  WireClient client(port());
  client.send("POST /up HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  auto interim = client.read_response();
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->status, 100u);
  client.send("hello");
  auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(response->body, "POST /up hello");
}

TEST_F(ServerTest, ChunkedRequestBodyIsRefusedWithLengthRequired) {
  start();
  WireClient client(port());
  client.send(
      "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2\r\nab\r\n1\r\nc\r\n0\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 411u);
  EXPECT_EQ(response->header("Connection"), "close");
}

TEST_F(ServerTest, HeadRequestGetsHeadersOnly) {
  start();
  WireClient client(port());
  client.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n");
  auto response = client.read_response(true);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->header("Content-Length"), "8");  // "HEAD /h "
  client.send(kGetA);  // no stray body bytes precede the next answer
  auto next = client.read_response();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, 200u);
  EXPECT_EQ(next->body, "GET /a ");
}

TEST_F(ServerTest, DeferredAnswerArrivesAndConnectionStaysUsable) {
  start();
  WireClient client(port());
  client.send("GET /defer HTTP/1.1\r\nHost: t\r\n\r\n");
  auto deferred = client.read_response();
  ASSERT_TRUE(deferred.has_value());
  EXPECT_EQ(deferred->body, "deferred GET /defer ");
  client.send(kGetB);
  auto next = client.read_response();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->body, "GET /b ");
}

TEST_F(ServerTest, ConnectionsBeyondTheCeilingGet503) {
  ServerLimits limits = short_limits();
  limits.max_connections = 1;  // the first client stays connected (no short idle timeout)
  start(limits);
  WireClient first(port());
  first.send(kGetA);
  ASSERT_TRUE(first.read_response().has_value());  // accepted and counted
  WireClient second(port());
  auto refused = second.read_response();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503u);
  EXPECT_TRUE(second.closed_by_server());
  first.send(kGetB);  // the first connection is unaffected
  auto still = first.read_response();
  ASSERT_TRUE(still.has_value());
  EXPECT_EQ(still->status, 200u);
}

TEST_F(ServerTest, OneClientCannotHoldMoreThanItsShareOfConnections) {
  ServerLimits limits = short_limits();
  limits.max_connections_per_client = 2;
  start(limits);
  std::vector<std::unique_ptr<WireClient>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<WireClient>(port()));
    held.back()->send(kGetA);
    ASSERT_TRUE(held.back()->read_response().has_value());
  }
  WireClient third(port());
  auto refused = third.read_response();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503u);
  EXPECT_NE(refused->body.find("too many connections from this client"), std::string::npos);
  EXPECT_TRUE(third.closed_by_server());
  EXPECT_EQ(
      handler_.refusals[static_cast<std::size_t>(RefusalKind::too_many_client_connections)].load(),
      1);

  // A closed connection gives its share back.
  const int closed_before = handler_.closed.load();
  held.front().reset();
  for (auto waited = 0ms; handler_.closed.load() == closed_before && waited < kHangGuard;
       waited += 10ms) {
    std::this_thread::sleep_for(10ms);
  }
  WireClient again(port());
  again.send(kGetB);
  auto served = again.read_response();
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(served->status, 200u);
}

TEST_F(ServerTest, ShutdownClosesIdleConnectionsWithoutForcing) {
  start();
  WireClient client(port());
  client.send(kGetA);
  ASSERT_TRUE(client.read_response().has_value());
  EXPECT_TRUE(server_->shutdown(kHangGuard)) << "the workers had to be stopped";
  server_.reset();
  EXPECT_TRUE(client.closed_by_server());
}

}  // namespace
}  // namespace smlapi::http
