#include "in_process_api.h"

#include "common/json_writer.h"
#include "vader/model.h"
#include "vader/sentiment_model.h"

namespace smlapi::bench {

namespace {

std::shared_ptr<const model::ModelRegistry> vader_only() {
  auto registry = std::make_shared<model::ModelRegistry>();
  registry->add(std::make_shared<vader::SentimentModel>(vader::Model::builtin()));
  return registry;
}

api::testing::InProcessOptions service_options(const InProcessApiOptions& options) {
  api::testing::InProcessOptions service;
  service.algorithm = options.algorithm;
  service.rate_limits = options.rate_limits;
  service.access_log = options.access_log;
  return service;
}

}  // namespace

InProcessApi::InProcessApi(InProcessApiOptions options)
    : service_(
          std::make_unique<api::testing::InProcessService>(vader_only(), service_options(options))),
      token_(service_->token("bench-user", {"predict"})) {}

std::string healthz_request() { return api::testing::get_request("/healthz"); }

std::string predict_request(std::string_view token, std::string_view text) {
  return api::testing::post_json("/predict", token, "{\"text\":" + json::quoted(text) + "}");
}

std::string batch_request(std::string_view token, std::string_view text, std::size_t count) {
  std::string body = "{\"texts\":[";
  const std::string quoted = json::quoted(text);
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) body += ',';
    body += quoted;
  }
  body += "]}";
  return api::testing::post_json("/predict/batch", token, body);
}

}  // namespace smlapi::bench
