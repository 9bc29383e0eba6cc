// TLS to a real redis-server started with --tls-port: the server's certificate is verified
// (chain and name), AUTH runs inside the encrypted connection, and both the event-loop client
// and the blocking connection speak it. A wrong trust anchor or a wrong name is refused.
#include "redis/tls.h"

#include <signal.h>

#include <functional>
#include <optional>

#include <gtest/gtest.h>

#include <hiredis/hiredis.h>
#include "result_matchers.h"

#include "../http/test_certificates.h"
#include "redis/async_client.h"
#include "redis/connection.h"
#include "redis_server.h"

namespace smlapi::redis {
namespace {

using namespace std::chrono_literals;
using http::testing::TestCertificates;
using result_testing::ErrorOf;
using testing::RedisServer;

class RedisTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { signal(SIGPIPE, SIG_IGN); }

  void SetUp() override {
    if (!testing::redis_server_available()) {
      GTEST_SKIP() << testing::kRedisServerPath << " not installed";
    }
  }

  // A redis-server that speaks TLS only, with a password.
  std::unique_ptr<RedisServer> tls_server() {
    tls_port_ = testing::free_loopback_port();
    return std::make_unique<RedisServer>(std::vector<std::string>{
        "--tls-port", std::to_string(tls_port_), "--tls-cert-file", certificates_.server_chain(),
        "--tls-key-file", certificates_.server_key(), "--tls-ca-cert-file",
        certificates_.root_certificate(), "--tls-auth-clients", "no", "--requirepass",
        "tls-secret"});
  }

  Config tls_config(const TlsFiles& files) {
    Config config;
    config.host = "127.0.0.1";
    config.port = tls_port_;
    config.password = "tls-secret";
    config.timeout = 2s;
    config.connect_timeout = 2s;
    auto enabled = enable_tls(config, files);
    EXPECT_TRUE(enabled.has_value());
    return config;
  }

  TestCertificates certificates_;
  std::uint16_t tls_port_ = 0;
};

TEST_F(RedisTlsTest, TheBlockingConnectionVerifiesTheServerAndAuthenticates) {
  auto server = tls_server();
  auto connection = Connection::open(tls_config({certificates_.root_certificate(), "", "", ""}));
  ASSERT_TRUE(connection.has_value());
  const std::string_view incr[] = {"INCR", "over-tls"};
  auto reply = connection->command(incr);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ((*reply)->integer, 1);
}

TEST_F(RedisTlsTest, TheEventLoopClientSpeaksTlsToo) {
  auto server = tls_server();
  boost::asio::io_context io;
  LinkStats stats;
  auto client =
      AsyncClient::create(io, tls_config({certificates_.root_certificate(), "", "", "localhost"}),
                          {}, 0, nullptr, stats);
  std::optional<AsyncClient::Result> result;
  const std::string_view ping[] = {"PING"};
  client->execute(ping, [&](AsyncClient::Result r) { result.emplace(std::move(r)); });
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (!result.has_value() && std::chrono::steady_clock::now() < give_up) {
    io.restart();
    io.run_for(10ms);
  }
  ASSERT_TRUE(result.has_value());
  ASSERT_TRUE(result->has_value());
  EXPECT_EQ(std::string_view((**result)->str, (**result)->len), "PONG");
  client->close();
}

TEST_F(RedisTlsTest, AnUntrustedCertificateIsRefused) {
  auto server = tls_server();
  TestCertificates other;  // another CA
  auto connection = Connection::open(tls_config({other.root_certificate(), "", "", ""}));
  ASSERT_FALSE(connection.has_value());
  EXPECT_EQ(ErrorOf(connection).kind, ErrorKind::connect);
  EXPECT_NE(ErrorOf(connection).detail.find("TLS"), std::string::npos);
}

TEST_F(RedisTlsTest, ACertificateForAnotherNameIsRefused) {
  auto server = tls_server();
  auto connection =
      Connection::open(tls_config({certificates_.root_certificate(), "", "", "redis.example"}));
  ASSERT_FALSE(connection.has_value());
  EXPECT_NE(ErrorOf(connection).detail.find("TLS"), std::string::npos);
}

TEST(RedisTlsConfig, MissingFilesAreNamedAndAClientCertificateNeedsItsKey) {
  Config config;
  auto missing = enable_tls(config, {"/nonexistent/ca.pem", "", "", ""});
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(ErrorOf(missing).find("/nonexistent/ca.pem"), std::string::npos);
  auto half = enable_tls(config, {"", "/some/cert.pem", "", ""});
  ASSERT_FALSE(half.has_value());
  EXPECT_EQ(config.tls, nullptr);
  EXPECT_EQ(describe(config).rfind("redis://", 0), 0u);
  ASSERT_TRUE(enable_tls(config, {"", "", "", ""}).has_value());  // the system's trust store
  EXPECT_EQ(describe(config).rfind("rediss://", 0), 0u);
}

}  // namespace
}  // namespace smlapi::redis
