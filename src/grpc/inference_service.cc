#include "grpc/inference_service.h"

#include "grpc/infer_conversion.h"
#include "grpc/metadata_conversion.h"
#include "grpc/peer_address.h"

#include <grpcpp/grpcpp.h>

#include <array>
#include <cctype>
#include <chrono>

namespace smlapi::grpc_api {

namespace bhttp = boost::beast::http;

namespace {

using SteadyClock = std::chrono::steady_clock;

// Answer headers a gRPC client needs too, as trailing metadata (lower-case, as gRPC requires):
// when to retry, the rate-limit state, the authentication challenge.
constexpr std::array<std::string_view, 4> kTrailingHeaders = {
    "Retry-After", "RateLimit", "RateLimit-Policy", "WWW-Authenticate"};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The first value of a client metadata key (keys arrive lower-case), if sent.
const grpc::string_ref* metadata_value(const grpc::CallbackServerContext& context,
                                       std::string_view key) {
  const auto& metadata = context.client_metadata();
  auto found = metadata.find(grpc::string_ref(key.data(), key.size()));
  return found == metadata.end() ? nullptr : &found->second;
}

std::string text_of(const grpc::string_ref& value) { return {value.data(), value.size()}; }

// One RPC in flight: the internal request it became, the handler's answer, and the reactor
// that finishes the call. Deletes itself when gRPC is done with the call (OnDone).
class UnaryCall final : public grpc::ServerUnaryReactor, private http::RequestContext {
 public:
  UnaryCall(grpc::CallbackServerContext* context, std::string_view rpc, unsigned worker,
            InferenceService::Convert convert, bool unavailable_is_answer,
            const RpcObserver& observer)
      : context_(context),
        rpc_(rpc),
        worker_(worker),
        convert_(std::move(convert)),
        unavailable_is_answer_(unavailable_is_answer),
        observer_(observer),
        started_(SteadyClock::now()),
        client_(peer_ip(context->peer())) {}

  // The internal request: its method, target and body, and what the client's metadata says
  // in the header fields the handler reads.
  void prepare(bhttp::verb method, std::string target, std::string body,
               std::span<const std::string_view> kept_fields) {
    request_.method = method;
    request_.method_text = std::string(bhttp::to_string(method));
    request_.target = std::move(target);
    request_.host = "grpc";
    request_.has_body = !body.empty();
    if (request_.has_body) request_.content_type = "application/json";
    request_.body.reserve(body.size() + http::kBodyPadding);
    request_.body.append(body);
    if (auto* value = metadata_value(*context_, "authorization")) {
      request_.authorization = text_of(*value);
    }
    if (auto* value = metadata_value(*context_, "x-forwarded-for")) {
      request_.x_forwarded_for = text_of(*value);
    }
    if (auto* value = metadata_value(*context_, "forwarded")) request_.forwarded = text_of(*value);
    for (std::size_t i = 0; i < kept_fields.size() && i < http::kMaxKeptFields; ++i) {
      if (auto* value = metadata_value(*context_, kept_fields[i])) {
        request_.kept[i] = text_of(*value);
        request_.kept_present |= 1u << i;
      }
    }
    request_.peer_address = client_;
  }

  void run(http::Handler& handler) {
    if (handler.handle(request_, response_, *this) == http::Outcome::done) answer();
  }

  void refuse(const ConversionError& error) {
    finish(grpc::Status(static_cast<grpc::StatusCode>(error.code), error.message), error.code, 0,
           {});
  }

  void OnDone() override { delete this; }

 private:
  unsigned worker_index() const override { return worker_; }

  // The handler answers later (e.g. after a Redis round trip), from any thread.
  http::DeferredReply defer() override {
    return http::DeferredReply([this](http::Response response) {
      response_ = std::move(response);
      answer();
    });
  }

  void answer() {
    std::string_view request_id;
    for (const http::Header& header : response_.headers()) {
      if (same_name(header.name, "X-Request-ID")) {
        request_id = header.value;
        context_->AddInitialMetadata("x-request-id", header.value);
      }
      for (std::string_view name : kTrailingHeaders) {
        if (same_name(header.name, name)) context_->AddTrailingMetadata(lower(name), header.value);
      }
    }
    const unsigned status = response_.status;
    RpcCode code = rpc_code_for_http_status(status);
    if (code == RpcCode::ok || (status == 503 && unavailable_is_answer_)) {
      auto converted = convert_(response_);
      code = converted ? RpcCode::ok : converted.error().code;
      if (!converted) {
        return finish(grpc::Status(static_cast<grpc::StatusCode>(code), converted.error().message),
                      code, status, request_id);
      }
      return finish(grpc::Status::OK, code, status, request_id);
    }
    finish(grpc::Status(static_cast<grpc::StatusCode>(code), error_message(response_.body, status)),
           code, status, request_id);
  }

  // Reports the RPC, then finishes it: the last use of `this` (OnDone may run at once).
  void finish(const grpc::Status& status, RpcCode code, unsigned http_status,
              std::string_view request_id) {
    if (observer_) {
      const double seconds = std::chrono::duration<double>(SteadyClock::now() - started_).count();
      observer_(RpcRecord{rpc_, code, http_status, request_id, client_, seconds});
    }
    Finish(status);
  }

  grpc::CallbackServerContext* context_;
  std::string_view rpc_;
  unsigned worker_;
  InferenceService::Convert convert_;
  bool unavailable_is_answer_;
  const RpcObserver& observer_;
  SteadyClock::time_point started_;
  std::string client_;
  http::Request request_;
  http::Response response_;
};

boost::system::result<std::string, ConversionError> model_route(std::string_view name,
                                                                std::string_view version,
                                                                std::string_view suffix) {
  return model_target(name, version, suffix);
}

}  // namespace

InferenceService::InferenceService(http::Handler& handler, unsigned workers, PostToWorker post,
                                   RpcObserver observer)
    : handler_(handler),
      workers_(std::max(1u, workers)),
      post_(std::move(post)),
      observer_(std::move(observer)) {}

grpc::ServerUnaryReactor* InferenceService::start(
    grpc::CallbackServerContext* context, std::string_view rpc,
    boost::system::result<Route, ConversionError> route, Convert convert) {
  const bool ready_rpc = rpc == "ServerReady" || rpc == "ModelReady";
  const unsigned worker = next_worker_.fetch_add(1, std::memory_order_relaxed) % workers_;
  auto* call = new UnaryCall(context, rpc, worker, std::move(convert), ready_rpc, observer_);
  if (!route) {
    call->refuse(route.error());
    return call;
  }
  call->prepare(route->method, std::move(route->target), std::move(route->body),
                handler_.kept_fields());
  post_(worker, [call, &handler = handler_] { call->run(handler); });
  return call;
}

grpc::ServerUnaryReactor* InferenceService::ServerLive(grpc::CallbackServerContext* context,
                                                       const inference::ServerLiveRequest*,
                                                       inference::ServerLiveResponse* response) {
  return start(context, "ServerLive", Route{bhttp::verb::get, "/v2/health/live", {}},
               [response](const http::Response&) -> boost::system::result<void, ConversionError> {
                 response->set_live(true);
                 return {};
               });
}

grpc::ServerUnaryReactor* InferenceService::ServerReady(grpc::CallbackServerContext* context,
                                                        const inference::ServerReadyRequest*,
                                                        inference::ServerReadyResponse* response) {
  return start(
      context, "ServerReady", Route{bhttp::verb::get, "/v2/health/ready", {}},
      [response](const http::Response& answer) -> boost::system::result<void, ConversionError> {
        response->set_ready(answer.status == 200);
        return {};
      });
}

grpc::ServerUnaryReactor* InferenceService::ModelReady(grpc::CallbackServerContext* context,
                                                       const inference::ModelReadyRequest* request,
                                                       inference::ModelReadyResponse* response) {
  auto target = model_route(request->name(), request->version(), "/ready");
  boost::system::result<Route, ConversionError> route =
      target ? boost::system::result<Route, ConversionError>(
                   Route{bhttp::verb::get, std::move(*target), {}})
             : target.error();
  return start(
      context, "ModelReady", std::move(route),
      [response](const http::Response& answer) -> boost::system::result<void, ConversionError> {
        if (answer.status != 200) {
          response->set_ready(false);
          return {};
        }
        auto ready = flag_of(answer.body, "ready");
        if (!ready) return ready.error();
        response->set_ready(*ready);
        return {};
      });
}

grpc::ServerUnaryReactor* InferenceService::ServerMetadata(
    grpc::CallbackServerContext* context, const inference::ServerMetadataRequest*,
    inference::ServerMetadataResponse* response) {
  return start(context, "ServerMetadata", Route{bhttp::verb::get, "/v2", {}},
               [response](const http::Response& answer) {
                 return from_server_metadata(answer.body, *response);
               });
}

grpc::ServerUnaryReactor* InferenceService::ModelMetadata(
    grpc::CallbackServerContext* context, const inference::ModelMetadataRequest* request,
    inference::ModelMetadataResponse* response) {
  auto target = model_route(request->name(), request->version(), "");
  boost::system::result<Route, ConversionError> route =
      target ? boost::system::result<Route, ConversionError>(
                   Route{bhttp::verb::get, std::move(*target), {}})
             : target.error();
  return start(context, "ModelMetadata", std::move(route),
               [response](const http::Response& answer) {
                 return from_model_metadata(answer.body, *response);
               });
}

grpc::ServerUnaryReactor* InferenceService::ModelInfer(grpc::CallbackServerContext* context,
                                                       const inference::ModelInferRequest* request,
                                                       inference::ModelInferResponse* response) {
  auto internal = to_internal_infer(*request);
  if (!internal) return start(context, "ModelInfer", internal.error(), {});
  const bool raw_output = internal->raw_output;
  return start(context, "ModelInfer",
               Route{bhttp::verb::post, std::move(internal->target), std::move(internal->body)},
               [response, raw_output](const http::Response& answer) {
                 return from_internal_infer(answer.body, raw_output, *response);
               });
}

}  // namespace smlapi::grpc_api
