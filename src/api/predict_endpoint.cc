#include "api/predict_endpoint.h"

#include "api/content_type.h"
#include "api/errors.h"
#include "api/predict_request.h"
#include "api/request_tracing.h"
#include "api/worker_state.h"
#include "common/json_writer.h"
#include "model/language_check.h"
#include "model/output_json.h"

#include <array>
#include <string>
#include <variant>
#include <vector>

namespace smlapi::api {

namespace {

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

// Scores one text, with its explanation (appended to `explanation`) when asked for; the
// language check either way. False for invalid UTF-8.
bool score_one(model::Scorer& scorer, std::string_view text, bool explain, std::span<double> values,
               std::string& explanation, model::LanguageCheck& check) {
  model::Reading reading;
  const bool scored = explain ? scorer.explain(text, values, reading, explanation)
                              : scorer.score_and_read(text, values, reading);
  if (scored) check = model::check_language(text, reading);
  return scored;
}

// ,"coverage":..,"warnings":[..],"explanation":{..} — coverage when explaining or warning,
// warnings when there are any, the explanation when asked for (docs/api.md).
void append_reading(std::string& out, const model::LanguageCheck& check, bool explain,
                    std::string_view explanation) {
  if (explain || check.warnings != 0) {
    out.append(",\"coverage\":");
    json::append_number(out, check.coverage);
  }
  if (check.warnings != 0) {
    out.append(",\"warnings\":");
    model::append_warnings_json(out, check.warnings);
  }
  if (explain) {
    out.append(",\"explanation\":");
    out.append(explanation);
  }
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

PredictEndpoints::PredictEndpoints(InputLimits limits) : limits_(limits) {}

bool PredictEndpoints::require_json(Call& call) const {
  if (is_json(call.request.content_type)) return true;
  set_error(call.response, ApiError::unsupported_media_type,
            "Content-Type must be application/json");
  return false;
}

std::optional<PredictEndpoints::Scoring> PredictEndpoints::find_model(Call& call,
                                                                      std::string_view name) const {
  const model::ModelRegistry& models = call.worker.models();
  auto found = models.find(name);
  if (!found) {
    set_error(call.response, ApiError::not_found,
              "Unknown model: GET /v2/models lists the models served here");
    return std::nullopt;
  }
  const model::Model& scored = models.at(*found);
  std::vector<double>& row = call.worker.outputs;  // reused: no allocation once warm
  row.resize(scored.info().outputs.size());
  return Scoring{scored, *call.worker.scorers[*found], call.worker.fragments[*found],
                 std::span<double>(row)};
}

void PredictEndpoints::predict(Call& call) const {
  if (!require_json(call)) return;
  WorkerState& worker = call.worker;
  BodyOptions options;
  auto text = parse_predict_body(worker.json, worker.padded(call.request.body), limits_, &options);
  if (!text) {
    set_validation_error(call.response, text.error());
    return;
  }
  auto scoring = find_model(call, options.model);
  if (!scoring) return;
  const auto& [scored, scorer, fragments, values] = *scoring;
  ChildSpan scoring_span(call.state.trace, tracing::names::kModelScore);
  scoring_span.add(tracing::names::kModel, scored.info().name);
  std::string explanation;
  model::LanguageCheck check;
  if (!score_one(scorer, *text, options.explain, values, explanation, check)) {
    // unreachable after JSON's UTF-8 check
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
  append_reading(out, check, options.explain, explanation);
  out.push_back('}');
}

void PredictEndpoints::predict_batch(Call& call) const {
  if (!require_json(call)) return;
  WorkerState& worker = call.worker;
  BodyOptions options;
  auto parsed = parse_batch_body(worker.json, worker.padded(call.request.body), limits_,
                                 worker.texts, &options);
  if (!parsed) {
    set_validation_error(call.response, parsed.error());
    return;
  }
  auto scoring = find_model(call, options.model);
  if (!scoring) return;
  const auto& [scored, scorer, fragments, values] = *scoring;
  std::string& out = call.response.body;
  out.push_back('{');
  append_user(out, call);
  out.push_back(',');
  out.append(fragments.model);
  out.append(",\"results\":[");
  std::array<double, model::kLabelCount> labels{};
  ChildSpan scoring_span(call.state.trace, tracing::names::kModelScore);
  scoring_span.add(tracing::names::kModel, scored.info().name);
  scoring_span.add(tracing::names::kTexts, static_cast<std::int64_t>(worker.texts.size()));
  std::string explanation;
  model::LanguageCheck check;
  for (std::size_t i = 0; i < worker.texts.size(); ++i) {
    explanation.clear();
    if (!score_one(scorer, worker.texts[i], options.explain, values, explanation, check)) {
      call.response.body.clear();
      set_validation_error(call.response, invalid_utf8({"body", "texts", i}));
      return;
    }
    const model::Label label = scored.label(values);
    if (i != 0) out.push_back(',');
    out.push_back('{');
    append_scores(out, scored.info(), fragments, label, values);
    append_reading(out, check, options.explain, explanation);
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
