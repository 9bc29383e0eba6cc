#include "api/predict_endpoint.h"

#include "api/content_type.h"
#include "api/errors.h"
#include "api/json_writer.h"
#include "api/predict_request.h"
#include "api/worker_state.h"

namespace smlapi::api {

std::string_view sentiment_label(double compound) {
  if (compound >= 0.05) return "POSITIVE";
  if (compound <= -0.05) return "NEGATIVE";
  return "NEUTRAL";
}

namespace {

void append_scores(std::string& out, const vader::PolarityScores& s) {
  out.append("\"label\":");
  json::append_string(out, sentiment_label(s.compound));
  out.append(",\"score\":");
  json::append_number(out, s.compound);
  out.append(",\"scores\":{\"neg\":");
  json::append_number(out, s.neg);
  out.append(",\"neu\":");
  json::append_number(out, s.neu);
  out.append(",\"pos\":");
  json::append_number(out, s.pos);
  out.append(",\"compound\":");
  json::append_number(out, s.compound);
  out.push_back('}');
}

void append_user(std::string& out, const Call& call) {
  out.append("\"user\":");
  if (call.principal != nullptr) {
    json::append_string(out, call.principal->subject);
  } else {
    out.append("null");
  }
}

}  // namespace

PredictEndpoints::PredictEndpoints(InputLimits limits, std::string model_version)
    : limits_(limits), model_version_(std::move(model_version)) {}

bool PredictEndpoints::require_json(Call& call) const {
  if (is_json(call.request.content_type)) return true;
  set_error(call.response, ApiError::unsupported_media_type,
            "Content-Type must be application/json");
  return false;
}

void PredictEndpoints::predict(Call& call) const {
  if (!require_json(call)) return;
  WorkerState& worker = call.worker;
  auto text = parse_predict_body(worker.json, worker.padded(call.request.body), limits_);
  if (!text) {
    set_validation_error(call.response, text.error());
    return;
  }
  auto scores = worker.analyzer.polarity_scores(*text);
  if (!scores) {  // unreachable after JSON's UTF-8 validation, kept as a guard
    set_validation_error(call.response,
                         {"string_unicode", "Input should be valid UTF-8", {"body", "text"}});
    return;
  }
  worker.metrics.prediction(sentiment_label(scores->compound));
  std::string& out = call.response.body;
  out.push_back('{');
  append_user(out, call);
  out.push_back(',');
  append_scores(out, *scores);
  out.append(",\"model\":\"vader\",\"model_version\":");
  json::append_string(out, model_version_);
  out.push_back('}');
}

void PredictEndpoints::predict_batch(Call& call) const {
  if (!require_json(call)) return;
  WorkerState& worker = call.worker;
  auto parsed =
      parse_batch_body(worker.json, worker.padded(call.request.body), limits_, worker.texts);
  if (!parsed) {
    set_validation_error(call.response, parsed.error());
    return;
  }
  std::string& out = call.response.body;
  out.push_back('{');
  append_user(out, call);
  out.append(",\"model\":\"vader\",\"model_version\":");
  json::append_string(out, model_version_);
  out.append(",\"results\":[");
  double positive = 0, negative = 0, neutral = 0;
  for (std::size_t i = 0; i < worker.texts.size(); ++i) {
    auto scores = worker.analyzer.polarity_scores(worker.texts[i]);
    if (!scores) {
      call.response.body.clear();
      set_validation_error(call.response,
                           {"string_unicode", "Input should be valid UTF-8", {"body", "texts", i}});
      return;
    }
    if (i != 0) out.push_back(',');
    out.push_back('{');
    append_scores(out, *scores);
    out.push_back('}');
    std::string_view label = sentiment_label(scores->compound);
    (label == "POSITIVE" ? positive : label == "NEGATIVE" ? negative : neutral) += 1;
  }
  out.append("]}");
  if (positive > 0) worker.metrics.prediction("POSITIVE", positive);
  if (negative > 0) worker.metrics.prediction("NEGATIVE", negative);
  if (neutral > 0) worker.metrics.prediction("NEUTRAL", neutral);
}

}  // namespace smlapi::api
