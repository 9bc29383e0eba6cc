// The gRPC listener (--grpc-port): the KServe V2 service on its own port, plaintext or TLS,
// with bounded messages, metadata, streams and threads. Its RPCs run on the HTTP server's
// workers (see inference_service.h), so it must stop before them.
#pragma once

#include "grpc/inference_service.h"

#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace grpc {
class Server;
}

namespace smlapi::grpc_api {

struct GrpcServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::size_t max_message_bytes = 4 * 1024 * 1024;  // largest request message accepted
  std::size_t max_metadata_bytes = 16 * 1024;       // like the HTTP header limit
  int max_concurrent_streams = 100;                 // per connection
  int max_threads = 16;                             // gRPC's own threads (ResourceQuota)
  // PEM text; both set: TLS only (like the HTTP listener with --tls-cert/--tls-key).
  std::string tls_certificate_chain;
  std::string tls_private_key;
};

class GrpcServer {
 public:
  GrpcServer(GrpcServerConfig config, std::unique_ptr<InferenceService> service);
  ~GrpcServer();
  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  // Binds and starts serving; an error message when the address cannot be bound.
  boost::system::result<void, std::string> start();
  std::uint16_t port() const { return bound_port_; }
  // Stops accepting, lets in-flight RPCs finish until `deadline`, then cancels the rest.
  void shutdown(std::chrono::milliseconds deadline);

 private:
  GrpcServerConfig config_;
  std::unique_ptr<InferenceService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::uint16_t bound_port_ = 0;
};

}  // namespace smlapi::grpc_api
