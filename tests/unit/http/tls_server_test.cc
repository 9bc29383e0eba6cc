// The HTTP server in-process over TLS (certificates made at test time), driven
// by a raw client speaking OpenSSL: answers and keep-alive over TLS with HSTS,
// close_notify after the last answer, and the handshake's failures (plain HTTP,
// an old protocol, silence) closing the connection and reaching the handler.
// Only the tests of the timeouts set them short (300 ms); they wait without a time
// bound (kHangGuard only stops a hang), and nothing here asserts how fast anything is.
#include "http/server.h"
#include "http/tls_context.h"

#include "echo_server.h"
#include "result_matchers.h"
#include "test_certificates.h"
#include "wire_client.h"

#include <gtest/gtest.h>
#include <boost/asio/ssl/context.hpp>

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <thread>

namespace smlapi::http {
namespace {

using ::smlapi::result_testing::Succeeds;

using testing::EchoHandler;
using testing::kHangGuard;
using testing::short_limits;
using testing::start_server;
using testing::TestCertificates;
using testing::timeout_limits;
using testing::WireClient;
using namespace std::chrono_literals;

constexpr std::string_view kHsts = "max-age=63072000; includeSubDomains";
constexpr std::string_view kGetA = "GET /a HTTP/1.1\r\nHost: t\r\n\r\n";
constexpr std::string_view kGetB = "GET /b HTTP/1.1\r\nHost: t\r\n\r\n";

struct SslCtxFree {
  void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
};
using ClientContext = std::unique_ptr<SSL_CTX, SslCtxFree>;

// A client that verifies the server against the test root CA.
ClientContext verifying_client(const TestCertificates& certs, int max_version = 0) {
  ClientContext context(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
  SSL_CTX_load_verify_locations(context.get(), certs.root_certificate().c_str(), nullptr);
  static constexpr unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(context.get(), kAlpn, sizeof kAlpn);
  if (max_version != 0) {
    // Let this client offer old versions at all (Debian's default level forbids them).
    SSL_CTX_set_security_level(context.get(), 0);
    SSL_CTX_set_cipher_list(context.get(), "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(context.get(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(context.get(), max_version);
  }
  return context;
}

// Waits for something another thread does after the client saw its effect (false only
// when kHangGuard passes first: a hang, not slowness).
template <typename Predicate>
bool eventually(Predicate predicate) {
  const auto give_up = std::chrono::steady_clock::now() + kHangGuard;
  while (!predicate() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(10ms);
  }
  return predicate();
}

class TlsServerTest : public ::testing::Test {
 protected:
  void start(bool tls = true, ServerLimits limits = short_limits()) {
    std::shared_ptr<boost::asio::ssl::context> context;
    if (tls) {
      auto loaded = make_tls_context({certs_.server_chain(), certs_.server_key()},
                                     std::chrono::system_clock::now());
      ASSERT_THAT(loaded, Succeeds());
      context = loaded->context;
    }
    server_ = start_server(handler_, limits, context);
    ASSERT_NE(server_->port(), 0);
  }

  void TearDown() override {
    if (server_) {
      EXPECT_TRUE(server_->shutdown(kHangGuard)) << "workers did not drain";
    }
  }

  std::uint16_t port() const { return server_->port(); }

  TestCertificates certs_;
  EchoHandler handler_;
  std::unique_ptr<Server> server_;
  ClientContext client_ = verifying_client(certs_);
};

TEST_F(TlsServerTest, KeepAliveOverTlsWithHstsOnEveryAnswer) {
  start();
  WireClient client(port(), client_.get());
  ASSERT_TRUE(client.handshake_completed());  // the chain verified against the root
  EXPECT_EQ(client.alpn(), "http/1.1");
  for (std::string_view request : {kGetA, kGetB, kGetA}) {
    client.send(request);
    auto response = client.read_response();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200u);
    EXPECT_EQ(response->header("Strict-Transport-Security"), kHsts);
    EXPECT_EQ(response->header("X-Content-Type-Options"), "nosniff");
    EXPECT_FALSE(response->header("Connection").has_value());
  }
  EXPECT_EQ(handler_.handled.load(), 3);
  EXPECT_EQ(handler_.opened.load(), 1);
}

TEST_F(TlsServerTest, PlainHttpAnswersCarryNoHsts) {
  start(false);
  WireClient client(port());
  client.send(kGetA);
  auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200u);
  EXPECT_FALSE(response->header("Strict-Transport-Security").has_value());
}

TEST_F(TlsServerTest, PipelinedRequestsOverTlsAreAnsweredInOrder) {
  start();
  WireClient client(port(), client_.get());
  ASSERT_TRUE(client.handshake_completed());
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

TEST_F(TlsServerTest, ConnectionCloseEndsWithCloseNotify) {
  start();
  WireClient client(port(), client_.get());
  ASSERT_TRUE(client.handshake_completed());
  client.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->header("Connection"), "close");
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_TRUE(client.close_notify_received());
}

TEST_F(TlsServerTest, MalformedRequestOverTlsGets400WithHstsThenClose) {
  start();
  WireClient client(port(), client_.get());
  ASSERT_TRUE(client.handshake_completed());
  client.send("THIS IS NOT HTTP\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 400u);
  EXPECT_EQ(response->header("Strict-Transport-Security"), kHsts);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(TlsServerTest, SlowHeaderOverTlsGets408) {
  start(true, timeout_limits());
  WireClient client(port(), client_.get());
  ASSERT_TRUE(client.handshake_completed());
  client.send("GET / HTTP/1.1\r\nHost: t\r\n");  // never finishes the header
  auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 408u);
  EXPECT_EQ(response->header("Strict-Transport-Security"), kHsts);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(TlsServerTest, PlainHttpOnTheTlsPortIsClosedWithoutAnAnswer) {
  start();
  {
    WireClient plain(port());
    plain.send(kGetA);
    auto received = plain.read_until_closed();
    ASSERT_TRUE(received.has_value()) << "the server kept the connection open";
    EXPECT_EQ(received->find("HTTP/"), std::string::npos) << *received;
  }
  EXPECT_TRUE(eventually([&] { return handler_.failures(TlsHandshakeFailure::rejected) == 1; }));
  EXPECT_EQ(handler_.handled.load(), 0);
  WireClient client(port(), client_.get());  // and TLS clients are still served
  ASSERT_TRUE(client.handshake_completed());
  client.send(kGetA);
  auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200u);
}

TEST_F(TlsServerTest, Tls11ClientIsRefusedAndTls12Accepted) {
  start();
  ClientContext old_client = verifying_client(certs_, TLS1_1_VERSION);
  WireClient refused(port(), old_client.get());
  EXPECT_FALSE(refused.handshake_completed());
  EXPECT_TRUE(eventually([&] { return handler_.failures(TlsHandshakeFailure::rejected) == 1; }));
  // The same lenient client allowed up to TLS 1.2 gets through: the refusal
  // above came from the server's minimum, not from the client's own setup.
  ClientContext tls12_client = verifying_client(certs_, TLS1_2_VERSION);
  WireClient accepted(port(), tls12_client.get());
  ASSERT_TRUE(accepted.handshake_completed());
  accepted.send(kGetA);
  auto response = accepted.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200u);
}

TEST_F(TlsServerTest, SilentConnectionIsClosedDuringTheHandshake) {
  start(true, timeout_limits());
  WireClient silent(port());  // TCP only: no ClientHello ever
  EXPECT_TRUE(silent.closed_by_server());
  EXPECT_TRUE(eventually([&] { return handler_.failures(TlsHandshakeFailure::timed_out) == 1; }));
}

TEST_F(TlsServerTest, SilentClientAfterTheHandshakeIsClosed) {
  start(true, timeout_limits());
  WireClient client(port(), client_.get());
  ASSERT_TRUE(client.handshake_completed());
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(handler_.failures(TlsHandshakeFailure::timed_out), 0);
}

TEST_F(TlsServerTest, ClientLeavingMidHandshakeCountsAsPeerClosed) {
  start();
  { WireClient leaving(port()); }
  EXPECT_TRUE(eventually([&] { return handler_.failures(TlsHandshakeFailure::peer_closed) == 1; }));
  EXPECT_TRUE(eventually([&] { return handler_.closed.load() == 1; }));
}

TEST_F(TlsServerTest, ConnectionsBeyondTheCeilingAreClosedWithoutPlaintext) {
  ServerLimits limits = short_limits();
  limits.max_connections = 1;  // the first client stays connected (no short idle timeout)
  start(true, limits);
  WireClient first(port(), client_.get());
  ASSERT_TRUE(first.handshake_completed());
  first.send(kGetA);
  ASSERT_TRUE(first.read_response().has_value());
  WireClient second(port());
  auto received = second.read_until_closed();
  ASSERT_TRUE(received.has_value());
  EXPECT_TRUE(received->empty()) << *received;  // no plaintext 503 on a TLS port
  first.send(kGetB);
  auto still = first.read_response();
  ASSERT_TRUE(still.has_value());
  EXPECT_EQ(still->status, 200u);
}

TEST_F(TlsServerTest, ShutdownClosesIdleTlsConnectionsWithoutForcing) {
  start();
  WireClient client(port(), client_.get());
  ASSERT_TRUE(client.handshake_completed());
  client.send(kGetA);
  ASSERT_TRUE(client.read_response().has_value());
  EXPECT_TRUE(server_->shutdown(kHangGuard)) << "the workers had to be stopped";
  server_.reset();
  EXPECT_TRUE(client.closed_by_server());
}

}  // namespace
}  // namespace smlapi::http
