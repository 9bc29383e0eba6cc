// The client address of a gRPC call, from grpc::ServerContext::peer(): "ipv4:10.0.0.1:5000",
// "ipv6:[::1]:5000" (gRPC may percent-encode the brackets: "ipv6:%5B::1%5D:5000"). Rate
// limits and logs key on the bare address, as for an HTTP connection's TCP peer. Pure.
#pragma once

#include <string>
#include <string_view>

namespace smlapi::grpc_api {

// The textual IP of the peer; the whole string when it is no ipv4:/ipv6: URI (e.g. a Unix
// socket), so distinct peers never merge into one limit key.
std::string peer_ip(std::string_view peer);

}  // namespace smlapi::grpc_api
