#include "grpc/grpc_server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>

namespace smlapi::grpc_api {

namespace {

// Keep-alive and idle bounds: a client that vanishes, or pings too often, is let go.
constexpr int kKeepaliveTimeMs = 60'000;
constexpr int kKeepaliveTimeoutMs = 20'000;
constexpr int kMinClientPingIntervalMs = 30'000;
constexpr int kMaxConnectionIdleMs = 5 * 60'000;

std::shared_ptr<grpc::ServerCredentials> credentials(const GrpcServerConfig& config) {
  if (config.tls_certificate_chain.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({config.tls_private_key, config.tls_certificate_chain});
  return grpc::SslServerCredentials(options);
}

std::string listen_address(const GrpcServerConfig& config) {
  const bool ipv6 = config.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + config.host + "]" : config.host) + ":" + std::to_string(config.port);
}

}  // namespace

GrpcServer::GrpcServer(GrpcServerConfig config, std::unique_ptr<InferenceService> service)
    : config_(std::move(config)), service_(std::move(service)) {}

GrpcServer::~GrpcServer() {
  if (server_) shutdown(std::chrono::milliseconds(0));
}

boost::system::result<void, std::string> GrpcServer::start() {
  grpc::ServerBuilder builder;
  int selected_port = 0;
  builder.AddListeningPort(listen_address(config_), credentials(config_), &selected_port);
  builder.RegisterService(service_.get());
  builder.SetMaxReceiveMessageSize(static_cast<int>(config_.max_message_bytes));
  grpc::ResourceQuota quota("smlapi-grpc");
  quota.SetMaxThreads(config_.max_threads);
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, config_.max_concurrent_streams);
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE,
                             static_cast<int>(config_.max_metadata_bytes));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             kMinClientPingIntervalMs);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, kMaxConnectionIdleMs);
  server_ = builder.BuildAndStart();
  if (!server_ || selected_port == 0) {
    server_.reset();
    return std::string("cannot listen on ") + listen_address(config_);
  }
  bound_port_ = static_cast<std::uint16_t>(selected_port);
  return {};
}

void GrpcServer::shutdown(std::chrono::milliseconds deadline) {
  if (!server_) return;
  server_->Shutdown(std::chrono::system_clock::now() + deadline);
  server_->Wait();
  server_.reset();
}

}  // namespace smlapi::grpc_api
