#include "api/inference_endpoints.h"

#include "api/content_type.h"
#include "api/worker_state.h"
#include "oip/binary_extension.h"
#include "oip/infer_response.h"
#include "oip/metadata.h"
#include "oip/route.h"

namespace smlapi::api {

namespace {

Route to_route(oip::RouteKind kind, bool versioned) {
  switch (kind) {
    case oip::RouteKind::server_metadata:
      return Route::v2_server;
    case oip::RouteKind::live:
      return Route::v2_live;
    case oip::RouteKind::ready:
      return Route::v2_ready;
    case oip::RouteKind::model_metadata:
      return versioned ? Route::v2_version : Route::v2_model;
    case oip::RouteKind::model_ready:
      return versioned ? Route::v2_version_ready : Route::v2_model_ready;
    case oip::RouteKind::infer:
      return versioned ? Route::v2_version_infer : Route::v2_infer;
    default:
      return Route::not_found;
  }
}

}  // namespace

InferenceEndpoints::InferenceEndpoints(std::vector<std::shared_ptr<const vader::Model>> models,
                                       unsigned workers, oip::InferLimits limits,
                                       std::string server_version)
    : models_(std::move(models)), server_version_(std::move(server_version)) {
  for (const auto& model : models_) versions_.emplace_back(model->version());
  for (unsigned i = 0; i < workers; ++i) {
    parsers_.emplace_back(limits);
    std::vector<vader::SentimentAnalyzer> analyzers;
    for (const auto& model : models_) analyzers.emplace_back(model);
    analyzers_.push_back(std::move(analyzers));
    scores_.emplace_back();
  }
}

Route InferenceEndpoints::match(Call& call) const {
  std::string_view path = call.request.path();
  if (!path.starts_with("/v2")) return Route::not_found;
  std::string_view method = call.request.method == boost::beast::http::verb::post ? "POST" : "GET";
  oip::RouteMatch found = oip::match_route(method, path);
  if (found.kind == oip::RouteKind::method_not_allowed) {
    found = oip::match_route(method == "POST" ? "GET" : "POST", path);
  }
  call.model_name = found.model;
  call.model_version = found.version.value_or(std::string_view{});
  return to_route(found.kind, found.version.has_value());
}

int InferenceEndpoints::find_version(const Call& call) const {
  if (call.model_name != "vader") return -1;
  if (call.model_version.empty()) return 0;
  for (std::size_t i = 0; i < versions_.size(); ++i) {
    if (versions_[i] == call.model_version) return static_cast<int>(i);
  }
  return -1;
}

void InferenceEndpoints::fail(Call& call, unsigned status, std::string_view message) const {
  call.response.status = status;
  call.response.body = oip::render_error(message);
}

void InferenceEndpoints::answer(Call& call, const Readiness& readiness) {
  http::Response& response = call.response;
  switch (call.route) {
    case Route::v2_server: {
      response.body = oip::render_server_metadata("secure-ml-api", server_version_, {});
      return;
    }
    case Route::v2_live:
      response.body = oip::render_live(true);
      return;
    case Route::v2_ready:
      if (!readiness.ready()) response.status = 503;
      response.body = oip::render_ready(readiness.ready());
      return;
    default:
      break;
  }
  int version = find_version(call);
  if (version < 0) {
    oip::OipError error = call.model_name != "vader" ? oip::unknown_model_error()
                                                     : oip::unknown_model_version_error();
    return fail(call, static_cast<unsigned>(oip::http_status(error.kind)), error.message);
  }
  switch (call.route) {
    case Route::v2_model:
    case Route::v2_version: {
      std::vector<std::string_view> versions(versions_.begin(), versions_.end());
      response.body = oip::render_model_metadata("vader", versions, "vader_sentiment");
      return;
    }
    case Route::v2_model_ready:
    case Route::v2_version_ready:
      if (!readiness.ready()) response.status = 503;
      response.body = oip::render_model_ready("vader", readiness.ready());
      return;
    default:
      return infer(call, static_cast<std::size_t>(version));
  }
}

void InferenceEndpoints::infer(Call& call, std::size_t version) {
  if (call.request.has_inference_header_content_length) {
    oip::OipError error = oip::binary_extension_unsupported_error();
    return fail(call, static_cast<unsigned>(oip::http_status(error.kind)), error.message);
  }
  if (!is_json(call.request.content_type)) {
    return fail(call, 415, "Content-Type must be application/json");
  }
  unsigned worker = call.worker.index;
  auto request = parsers_[worker].parse(call.request.body);
  if (!request) {
    return fail(call, static_cast<unsigned>(oip::http_status(request.error().kind)),
                request.error().message);
  }
  auto& scores = scores_[worker];
  scores.clear();
  vader::SentimentAnalyzer& analyzer = analyzers_[worker][version];
  for (const std::string& text : request->texts) {
    auto result = analyzer.polarity_scores(text);
    if (!result) return fail(call, 400, "input 'text' holds invalid UTF-8");
    scores.push_back(oip::Scores{result->neg, result->neu, result->pos, result->compound});
  }
  std::optional<std::string_view> id;
  if (request->id) id = *request->id;
  call.response.body =
      oip::render_infer_response("vader", versions_[version], id, request->outputs, scores);
}

}  // namespace smlapi::api
