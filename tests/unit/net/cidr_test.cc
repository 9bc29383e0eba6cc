#include "net/cidr.h"

#include <gtest/gtest.h>

#include "net/ip_address.h"
#include "net/trusted_proxies.h"
#include "result_matchers.h"
#include "unwrap.h"

namespace smlapi::net {
namespace {

using ::smlapi::result_testing::ErrorOf;
using ::smlapi::result_testing::FailsWith;

using testing::unwrap;

IpAddress ip(const char* text) { return unwrap(parse_ip(text)); }

TEST(ParseIp, AcceptsStrictForms) {
  EXPECT_EQ(ip("192.0.2.1").to_string(), "192.0.2.1");
  EXPECT_EQ(ip("2001:db8::1").to_string(), "2001:db8::1");
  EXPECT_TRUE(ip("::ffff:192.0.2.1").is_v4()) << "IPv4-mapped becomes IPv4";
}

TEST(ParseIp, RejectsEverythingElse) {
  EXPECT_THAT(parse_ip(""), FailsWith(AddressError::empty));
  EXPECT_THAT(parse_ip("fe80::1%eth0"), FailsWith(AddressError::zone_id));
  EXPECT_THAT(parse_ip(std::string(46, '1')), FailsWith(AddressError::too_long));
  for (const char* bad : {"192.0.2", "192.0.2.256", "0x7f.0.0.1", "1.2.3.4 ", " 1.2.3.4", "[::1]",
                          "::1::", "localhost", "1.2.3.4:80"}) {
    EXPECT_FALSE(parse_ip(bad).has_value()) << bad;
  }
}

TEST(AddressBucket, GroupsIpv6ByPrefix) {
  EXPECT_EQ(address_bucket(ip("192.0.2.1")), "192.0.2.1");
  EXPECT_EQ(address_bucket(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
  EXPECT_EQ(address_bucket(ip("2001:db8:1:2:bbbb::9")), "2001:db8:1:2::/64");
  EXPECT_EQ(address_bucket(ip("2001:db8:1:2:bbbb::9"), 128), "2001:db8:1:2:bbbb::9/128");
  EXPECT_EQ(address_bucket(ip("2001:db8:1:2:bbbb::9"), 56), "2001:db8:1::/56");
}

TEST(Cidr, MatchesItsNetworkOnly) {
  const Cidr ten = unwrap(Cidr::parse("10.0.0.0/8"));
  EXPECT_TRUE(ten.contains(ip("10.255.1.2")));
  EXPECT_FALSE(ten.contains(ip("11.0.0.0")));
  EXPECT_TRUE(ten.contains(boost::asio::ip::make_address("::ffff:10.1.1.1")));
  EXPECT_FALSE(ten.contains(ip("::a00:1")));
  const Cidr doc = unwrap(Cidr::parse("2001:db8::/32"));
  EXPECT_TRUE(doc.contains(ip("2001:db8:ffff::1")));
  EXPECT_FALSE(doc.contains(ip("2001:db9::1")));
  EXPECT_FALSE(doc.contains(ip("10.0.0.1")));
  const Cidr odd = unwrap(Cidr::parse("192.0.2.128/25"));
  EXPECT_TRUE(odd.contains(ip("192.0.2.200")));
  EXPECT_FALSE(odd.contains(ip("192.0.2.127")));
  EXPECT_TRUE(unwrap(Cidr::parse("0.0.0.0/0")).contains(ip("203.0.113.9")));
  EXPECT_TRUE(unwrap(Cidr::parse("::/0")).contains(ip("::1")));
}

TEST(Cidr, BareAddressIsAHostRoute) {
  const Cidr host = unwrap(Cidr::parse("192.0.2.7"));
  EXPECT_EQ(host.prefix_length(), 32u);
  EXPECT_TRUE(host.contains(ip("192.0.2.7")));
  EXPECT_FALSE(host.contains(ip("192.0.2.8")));
  EXPECT_EQ(unwrap(Cidr::parse("::1")).prefix_length(), 128u);
  EXPECT_EQ(unwrap(Cidr::parse("10.0.0.0/8")).to_string(), "10.0.0.0/8");
}

TEST(Cidr, RejectsMalformedNetworks) {
  EXPECT_THAT(Cidr::parse("10.0.0.1/8"), FailsWith(CidrError::host_bits_set));
  EXPECT_THAT(Cidr::parse("10.0.0.0/33"), FailsWith(CidrError::bad_prefix));
  EXPECT_THAT(Cidr::parse("10.0.0.0/"), FailsWith(CidrError::bad_prefix));
  EXPECT_THAT(Cidr::parse("10.0.0.0/+8"), FailsWith(CidrError::bad_prefix));
  EXPECT_THAT(Cidr::parse("10.0.0.0/8x"), FailsWith(CidrError::bad_prefix));
  EXPECT_THAT(Cidr::parse("::/129"), FailsWith(CidrError::bad_prefix));
  EXPECT_THAT(Cidr::parse("10.0.0/8"), FailsWith(CidrError::bad_address));
  EXPECT_THAT(Cidr::parse("/8"), FailsWith(CidrError::bad_address));
}

TEST(TrustedProxies, ParsesAListAndReportsTheBadEntry) {
  const std::vector<std::string> good{"10.0.0.0/8", "fd00::/8"};
  const TrustedProxies proxies = unwrap(TrustedProxies::parse(good));
  EXPECT_TRUE(proxies.trusts(ip("10.1.2.3")));
  EXPECT_TRUE(proxies.trusts(ip("fd12::1")));
  EXPECT_FALSE(proxies.trusts(ip("192.0.2.1")));
  const std::vector<std::string> bad{"10.0.0.0/8", "10.0.0.1/8"};
  const ProxyConfigError error = ErrorOf(TrustedProxies::parse(bad));
  EXPECT_EQ(error.index, 1u);
  EXPECT_EQ(error.error, CidrError::host_bits_set);
  EXPECT_FALSE(TrustedProxies{}.trusts(ip("127.0.0.1"))) << "default trusts no one";
}

}  // namespace
}  // namespace smlapi::net
