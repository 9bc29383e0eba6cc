#include "api/predict_endpoint.h"

#include "api/content_type.h"
#include "api/errors.h"
#include "api/predict_request.h"
#include "api/request_tracing.h"
#include "api/worker_state.h"
#include "common/json_writer.h"
#include "model/output_json.h"

#include <array>
#include <string>
#include <variant>
#include <vector>

namespace smlapi::api {

namespace {

constexpr std::array<model::Label, model::kLabelCount> kLabels = {
    model::Label::positive, model::Label::negative, model::Label::neutral};

// The constant parts of a model's answers, written once at start: per text only the numbers
// are formatted (this keeps the seam from costing /predict/batch instructions per text).
PredictFragments fragments_of(const model::ModelInfo& info) {
  PredictFragments fragments;
  for (model::Label label : kLabels) {
    std::string& text = fragments.label_and_score[static_cast<std::size_t>(label)];
    text.assign("\"label\":");
    json::append_string(text, model::to_string(label));
    text.append(",\"score\":");
  }
  for (std::size_t i = 0; i < info.outputs.size(); ++i) {
    std::string key = i == 0 ? ",\"scores\":{" : ",";
    json::append_string(key, info.outputs[i].name);
    key.push_back(':');
    fragments.output_keys.push_back(std::move(key));
  }
  fragments.model.assign("\"model\":");
  json::append_string(fragments.model, info.name);
  fragments.model.append(",\"model_version\":");
  json::append_string(fragments.model, info.version);
  return fragments;
}

void append_scores(std::string& out, const model::ModelInfo& info,
                   const PredictFragments& fragments, model::Label label,
                   std::span<const double> values) {
  out.append(fragments.label_and_score[static_cast<std::size_t>(label)]);
  model::append_json_value(out, info.outputs[info.primary_output].datatype,
                           values[info.primary_output]);
  for (std::size_t i = 0; i < info.outputs.size(); ++i) {
    out.append(fragments.output_keys[i]);
    model::append_json_value(out, info.outputs[i].datatype, values[i]);
  }
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

using Loc = std::vector<std::variant<std::string, std::size_t>>;

ValidationIssue invalid_utf8(Loc loc) {
  return {"string_unicode", "Input should be valid UTF-8", std::move(loc)};
}

}  // namespace

PredictEndpoints::PredictEndpoints(InputLimits limits,
                                   std::shared_ptr<const model::ModelRegistry> models)
    : limits_(limits), models_(std::move(models)) {
  for (std::size_t slot = 0; slot < models_->size(); ++slot) {
    fragments_.push_back(fragments_of(models_->at(slot).info()));
  }
}

bool PredictEndpoints::require_json(Call& call) const {
  if (is_json(call.request.content_type)) return true;
  set_error(call.response, ApiError::unsupported_media_type,
            "Content-Type must be application/json");
  return false;
}

std::optional<PredictEndpoints::Scoring> PredictEndpoints::find_model(Call& call,
                                                                      std::string_view name) const {
  auto found = models_->find(name);
  if (!found) {
    set_error(call.response, ApiError::not_found,
              "Unknown model: GET /v2/models lists the models served here");
    return std::nullopt;
  }
  const model::Model& scored = models_->at(*found);
  std::vector<double>& row = call.worker.outputs;  // reused: no allocation once warm
  row.resize(scored.info().outputs.size());
  return Scoring{scored, *call.worker.scorers[*found], fragments_[*found], std::span<double>(row)};
}

void PredictEndpoints::predict(Call& call) const {
  if (!require_json(call)) return;
  WorkerState& worker = call.worker;
  std::string_view model_name;
  auto text =
      parse_predict_body(worker.json, worker.padded(call.request.body), limits_, &model_name);
  if (!text) {
    set_validation_error(call.response, text.error());
    return;
  }
  auto scoring = find_model(call, model_name);
  if (!scoring) return;
  const auto& [scored, scorer, fragments, values] = *scoring;
  ChildSpan scoring_span(call.state.trace, "model.score");
  scoring_span.add("smlapi.model", scored.info().name);
  if (!scorer.score(*text, values)) {  // unreachable after JSON's UTF-8 check
    set_validation_error(call.response, invalid_utf8({"body", "text"}));
    return;
  }
  const model::Label label = scored.label(values);
  scoring_span.end();
  worker.metrics.prediction(scored.info().name, label);
  std::string& out = call.response.body;
  out.push_back('{');
  append_user(out, call);
  out.push_back(',');
  append_scores(out, scored.info(), fragments, label, values);
  out.push_back(',');
  out.append(fragments.model);
  out.push_back('}');
}

void PredictEndpoints::predict_batch(Call& call) const {
  if (!require_json(call)) return;
  WorkerState& worker = call.worker;
  std::string_view model_name;
  auto parsed = parse_batch_body(worker.json, worker.padded(call.request.body), limits_,
                                 worker.texts, &model_name);
  if (!parsed) {
    set_validation_error(call.response, parsed.error());
    return;
  }
  auto scoring = find_model(call, model_name);
  if (!scoring) return;
  const auto& [scored, scorer, fragments, values] = *scoring;
  std::string& out = call.response.body;
  out.push_back('{');
  append_user(out, call);
  out.push_back(',');
  out.append(fragments.model);
  out.append(",\"results\":[");
  std::array<double, model::kLabelCount> labels{};
  ChildSpan scoring_span(call.state.trace, "model.score");
  scoring_span.add("smlapi.model", scored.info().name);
  scoring_span.add("smlapi.texts", static_cast<std::int64_t>(worker.texts.size()));
  for (std::size_t i = 0; i < worker.texts.size(); ++i) {
    if (!scorer.score(worker.texts[i], values)) {
      call.response.body.clear();
      set_validation_error(call.response, invalid_utf8({"body", "texts", i}));
      return;
    }
    const model::Label label = scored.label(values);
    if (i != 0) out.push_back(',');
    out.push_back('{');
    append_scores(out, scored.info(), fragments, label, values);
    out.push_back('}');
    labels[static_cast<std::size_t>(label)] += 1;
  }
  out.append("]}");
  for (std::size_t label = 0; label < labels.size(); ++label) {
    if (labels[label] > 0) {
      worker.metrics.prediction(scored.info().name, static_cast<model::Label>(label),
                                labels[label]);
    }
  }
}

}  // namespace smlapi::api
