#include "http/client_connection_counts.h"

#include "net/cidr.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace smlapi::http {
namespace {

net::IpAddress ip(const char* text) { return boost::asio::ip::make_address(text); }

TEST(ClientConnectionCounts, ClientGetsItsShareAndNoMore) {
  ClientConnectionCounts counts(2, {});
  auto first = counts.try_open(ip("192.0.2.1"));
  auto second = counts.try_open(ip("192.0.2.1"));
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(counts.try_open(ip("192.0.2.1")).has_value());
  EXPECT_TRUE(counts.try_open(ip("192.0.2.2")).has_value()) << "another client has its own share";
  counts.close(*first);
  EXPECT_TRUE(counts.try_open(ip("192.0.2.1")).has_value()) << "a close gives the share back";
}

TEST(ClientConnectionCounts, AddressesInsideOneIpv6Slash64AreOneClient) {
  ClientConnectionCounts counts(2, {});
  ASSERT_TRUE(counts.try_open(ip("2001:db8:1:2::1")).has_value());
  ASSERT_TRUE(counts.try_open(ip("2001:db8:1:2::ffff")).has_value());
  EXPECT_FALSE(counts.try_open(ip("2001:db8:1:2:abcd::9")).has_value());
  EXPECT_TRUE(counts.try_open(ip("2001:db8:1:3::1")).has_value()) << "the next /64 is another";
}

TEST(ClientConnectionCounts, Ipv4MappedAddressIsTheSameClientAsIpv4) {
  ClientConnectionCounts counts(1, {});
  ASSERT_TRUE(counts.try_open(ip("192.0.2.7")).has_value());
  EXPECT_FALSE(counts.try_open(ip("::ffff:192.0.2.7")).has_value());
}

TEST(ClientConnectionCounts, TrustedProxiesAreNotCapped) {
  auto proxies = net::TrustedProxies::parse(std::vector<std::string>{"10.0.0.0/8"});
  ASSERT_TRUE(proxies.has_value());
  ClientConnectionCounts counts(1, *proxies);
  for (int i = 0; i < 5; ++i) {
    auto key = counts.try_open(ip("10.1.2.3"));
    ASSERT_TRUE(key.has_value());
    EXPECT_TRUE(key->empty()) << "not counted, so nothing to give back";
  }
  ASSERT_TRUE(counts.try_open(ip("192.0.2.1")).has_value());
  EXPECT_FALSE(counts.try_open(ip("192.0.2.1")).has_value());
}

TEST(ClientConnectionCounts, ZeroMeansNoCap) {
  ClientConnectionCounts counts(0, {});
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(counts.try_open(ip("192.0.2.1")).has_value());
}

}  // namespace
}  // namespace smlapi::http
