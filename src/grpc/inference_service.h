// The KServe V2 gRPC service (inference.GRPCInferenceService) as an adapter in front of the
// HTTP handler: each RPC becomes the equivalent internal Open Inference Protocol REST request,
// runs through http::Handler::handle on one of the HTTP server's worker event loops (so auth,
// rate limits, metrics, the access log and the model registry are the HTTP ones by
// construction), and its answer is translated back to the RPC's message or a gRPC status.
#pragma once

#include "grpc/infer_conversion.h"
#include "grpc/status_mapping.h"
#include "grpc_predict_v2.grpc.pb.h"
#include "http/handler.h"

#include <boost/system/result.hpp>

#include <atomic>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace smlapi::grpc_api {

// Runs `work` on the event loop of HTTP worker `worker` (http::Server::post).
using PostToWorker = std::function<void(unsigned worker, std::function<void()> work)>;

// One finished RPC, for the gRPC metrics and log line (called on any thread).
struct RpcRecord {
  std::string_view rpc;  // "ModelInfer", ...
  RpcCode code;
  unsigned http_status;  // of the internal request; 0 when it was refused before one
  std::string_view request_id;
  std::string_view client;
  double seconds;
};
using RpcObserver = std::function<void(const RpcRecord&)>;

class InferenceService final : public inference::GRPCInferenceService::CallbackService {
 public:
  InferenceService(http::Handler& handler, unsigned workers, PostToWorker post,
                   RpcObserver observer);

  grpc::ServerUnaryReactor* ServerLive(grpc::CallbackServerContext* context,
                                       const inference::ServerLiveRequest* request,
                                       inference::ServerLiveResponse* response) override;
  grpc::ServerUnaryReactor* ServerReady(grpc::CallbackServerContext* context,
                                        const inference::ServerReadyRequest* request,
                                        inference::ServerReadyResponse* response) override;
  grpc::ServerUnaryReactor* ModelReady(grpc::CallbackServerContext* context,
                                       const inference::ModelReadyRequest* request,
                                       inference::ModelReadyResponse* response) override;
  grpc::ServerUnaryReactor* ServerMetadata(grpc::CallbackServerContext* context,
                                           const inference::ServerMetadataRequest* request,
                                           inference::ServerMetadataResponse* response) override;
  grpc::ServerUnaryReactor* ModelMetadata(grpc::CallbackServerContext* context,
                                          const inference::ModelMetadataRequest* request,
                                          inference::ModelMetadataResponse* response) override;
  grpc::ServerUnaryReactor* ModelInfer(grpc::CallbackServerContext* context,
                                       const inference::ModelInferRequest* request,
                                       inference::ModelInferResponse* response) override;

  // Fills the RPC's message from a 200 answer; an error when the answer cannot be converted.
  using Convert =
      std::function<boost::system::result<void, ConversionError>(const http::Response& answer)>;

  // The internal request an RPC becomes.
  struct Route {
    boost::beast::http::verb method;
    std::string target;
    std::string body;
  };

 private:
  grpc::ServerUnaryReactor* start(grpc::CallbackServerContext* context, std::string_view rpc,
                                  boost::system::result<Route, ConversionError> route,
                                  Convert convert);

  http::Handler& handler_;
  unsigned workers_;
  PostToWorker post_;
  RpcObserver observer_;
  std::atomic<unsigned> next_worker_{0};
};

}  // namespace smlapi::grpc_api
