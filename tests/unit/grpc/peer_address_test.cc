#include "grpc/peer_address.h"

#include <gtest/gtest.h>

namespace smlapi::grpc_api {
namespace {

TEST(PeerAddress, Ipv4DropsThePort) { EXPECT_EQ(peer_ip("ipv4:10.1.2.3:50051"), "10.1.2.3"); }

TEST(PeerAddress, Ipv6DropsBracketsAndPort) {
  EXPECT_EQ(peer_ip("ipv6:[::1]:50051"), "::1");
  EXPECT_EQ(peer_ip("ipv6:%5B2001:db8::7%5D:443"), "2001:db8::7");
}

TEST(PeerAddress, OtherPeersStayWhole) {
  EXPECT_EQ(peer_ip("unix:/run/x.sock"), "unix:/run/x.sock");
  EXPECT_EQ(peer_ip("ipv6:[::1"), "ipv6:[::1");
  EXPECT_EQ(peer_ip(""), "");
}

}  // namespace
}  // namespace smlapi::grpc_api
