#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "net/client_address.h"
#include "net/forwarding_hop.h"
#include "unwrap.h"

namespace smlapi::net {
namespace {

using Values = std::vector<std::string_view>;

using testing::unwrap;

IpAddress ip(const char* text) { return unwrap(parse_ip(text)); }

TrustedProxies proxies(ForwardingHeader header = ForwardingHeader::x_forwarded_for) {
  const std::vector<std::string> networks{"10.0.0.0/8", "fd00::/8"};
  return unwrap(TrustedProxies::parse(networks, header));
}

std::string resolve(const char* peer, Values xff, Values forwarded = {},
                    ForwardingHeader header = ForwardingHeader::x_forwarded_for) {
  return client_address(ip(peer), xff, forwarded, proxies(header)).to_string();
}

TEST(XForwardedFor, ElementForms) {
  EXPECT_EQ(parse_x_forwarded_for_element(" 192.0.2.1 ").address.to_string(), "192.0.2.1");
  EXPECT_EQ(parse_x_forwarded_for_element("192.0.2.1:8080").address.to_string(), "192.0.2.1");
  EXPECT_EQ(parse_x_forwarded_for_element("2001:db8::1").address.to_string(), "2001:db8::1");
  EXPECT_EQ(parse_x_forwarded_for_element("[2001:db8::1]:443").address.to_string(), "2001:db8::1");
  EXPECT_EQ(parse_x_forwarded_for_element("unknown").kind, HopKind::unknown);
  for (const char* bad : {"", "192.0.2.1:99999", "192.0.2.1:", "[2001:db8::1", "[192.0.2.1]",
                          "_hidden", "2001:db8::1]:1", "host.example", "1.2.3.4,5"}) {
    EXPECT_EQ(parse_x_forwarded_for_element(bad).kind, HopKind::malformed) << bad;
  }
}

TEST(ClientAddress, UntrustedPeerIgnoresHeaders) {
  EXPECT_EQ(resolve("203.0.113.7", {"198.51.100.1"}), "203.0.113.7");
  EXPECT_EQ(resolve("203.0.113.7", {}, {"for=198.51.100.1"}, ForwardingHeader::forwarded),
            "203.0.113.7");
}

TEST(ClientAddress, TrustedPeerYieldsRightMostUntrustedHop) {
  EXPECT_EQ(resolve("10.0.0.1", {"198.51.100.1"}), "198.51.100.1");
  // The client forged the left-most entry; the proxies appended the real one.
  EXPECT_EQ(resolve("10.0.0.1", {"1.1.1.1, 198.51.100.1, 10.0.0.2"}), "198.51.100.1");
  EXPECT_EQ(resolve("10.0.0.1", {"1.1.1.1", "198.51.100.1", "10.0.0.2"}), "198.51.100.1")
      << "several field values form one list";
  EXPECT_EQ(resolve("::ffff:10.0.0.1", {"198.51.100.1"}), "198.51.100.1");
  EXPECT_EQ(resolve("10.0.0.1", {"1.1.1.1, 198.51.100.1"}), "198.51.100.1")
      << "the entry the client wrote left of its own address is never reached";
}

TEST(ClientAddress, AllTrustedOrNoHeaderYieldsTheLeftMostTrustedHop) {
  EXPECT_EQ(resolve("10.0.0.1", {}), "10.0.0.1");
  EXPECT_EQ(resolve("10.0.0.1", {"10.9.9.9, 10.0.0.2"}), "10.9.9.9");
}

TEST(ClientAddress, MalformedOrUnknownEntryStopsAtTheLastTrustedHop) {
  EXPECT_EQ(resolve("10.0.0.1", {"198.51.100.1, garbage"}), "10.0.0.1");
  EXPECT_EQ(resolve("10.0.0.1", {"198.51.100.1, garbage, 10.0.0.2"}), "10.0.0.2");
  EXPECT_EQ(resolve("10.0.0.1", {"unknown"}), "10.0.0.1");
  EXPECT_EQ(resolve("10.0.0.1", {"garbage, 198.51.100.1"}), "198.51.100.1")
      << "junk left of the client's address is never reached";
  EXPECT_EQ(resolve("10.0.0.1", {"198.51.100.1,, ,10.0.0.2"}), "198.51.100.1")
      << "empty list elements are ignored";
}

TEST(ClientAddress, ChainLengthIsBounded) {
  std::string chain = "198.51.100.1";
  for (int i = 0; i < 40; ++i) chain += ", 10.0.0." + std::to_string(i + 2);
  EXPECT_EQ(resolve("10.0.0.1", {chain}), "10.0.0.10");
}

TEST(ClientAddress, OnlyTheConfiguredHeaderIsRead) {
  EXPECT_EQ(resolve("10.0.0.1", {"198.51.100.1"}, {"for=192.0.2.66"}), "198.51.100.1");
  EXPECT_EQ(resolve("10.0.0.1", {"198.51.100.1"}, {"for=192.0.2.66"}, ForwardingHeader::forwarded),
            "192.0.2.66");
}

TEST(Forwarded, ParsesRfc7239Examples) {
  const auto hops = parse_forwarded_for(
      "for=192.0.2.43;proto=http;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\", "
      "For=\"_hidden\", for=unknown, for=\"192.0.2.60:_port\";host=\"a,b\"");
  ASSERT_EQ(hops.size(), 5u);
  EXPECT_EQ(hops[0].address.to_string(), "192.0.2.43");
  EXPECT_EQ(hops[1].address.to_string(), "2001:db8:cafe::17");
  EXPECT_EQ(hops[2].kind, HopKind::obfuscated);
  EXPECT_EQ(hops[3].kind, HopKind::unknown);
  EXPECT_EQ(hops[4].address.to_string(), "192.0.2.60");
}

TEST(Forwarded, ElementsWithoutASingleForAreMalformed) {
  const auto hops = parse_forwarded_for("proto=https;by=10.0.0.1, for=1.2.3.4;for=5.6.7.8, ,");
  ASSERT_EQ(hops.size(), 2u);
  EXPECT_EQ(hops[0].kind, HopKind::malformed);
  EXPECT_EQ(hops[1].kind, HopKind::malformed);
}

TEST(Forwarded, SyntaxErrorEndsTheList) {
  EXPECT_EQ(parse_forwarded_for("for=1.2.3.4, for=\"unterminated, for=5.6.7.8").back().kind,
            HopKind::malformed);
  EXPECT_EQ(parse_forwarded_for("for=[2001:db8::1]").back().kind, HopKind::malformed)
      << "IPv6 must be quoted";
  EXPECT_EQ(parse_forwarded_for("for=1.2.3.4 junk").back().kind, HopKind::malformed);
  EXPECT_EQ(parse_forwarded_for("=1.2.3.4").back().kind, HopKind::malformed);
  EXPECT_EQ(parse_forwarded_for("for=\"2001:db8::1\"").back().kind, HopKind::malformed)
      << "IPv6 needs brackets";
}

TEST(ClientAddress, ForwardedChain) {
  const auto header = ForwardingHeader::forwarded;
  EXPECT_EQ(resolve("10.0.0.1", {}, {"for=1.1.1.1, for=\"[2001:db8::5]:1\", for=10.0.0.2"}, header),
            "2001:db8::5");
  EXPECT_EQ(resolve("10.0.0.1", {}, {"for=1.1.1.1", "for=_hidden", "for=10.0.0.2"}, header),
            "10.0.0.2");
  EXPECT_EQ(resolve("10.0.0.1", {}, {"for=\"junk, for=1.1.1.1", "for=198.51.100.3"}, header),
            "198.51.100.3");
  EXPECT_EQ(resolve("10.0.0.1", {}, {"for=198.51.100.3, for=\"junk"}, header), "10.0.0.1");
}

}  // namespace
}  // namespace smlapi::net
