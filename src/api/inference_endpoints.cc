#include "api/inference_endpoints.h"

#include "api/content_type.h"
#include "api/kept_fields.h"
#include "api/worker_state.h"
#include "common/json_writer.h"
#include "model/language_check.h"
#include "oip/binary_extension.h"
#include "oip/metadata.h"
#include "oip/output_selection.h"
#include "oip/route.h"

#include <array>

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
    case oip::RouteKind::model_index:
      return Route::v2_models;
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

// The body as JSON alone, or (binary tensor data extension) split into the JSON header and the
// binary data after it.
boost::system::result<oip::BinaryBody, oip::OipError> split_body(const http::Request& request) {
  if (!has_kept_field(request, KeptField::inference_header_content_length)) {
    return oip::BinaryBody{request.body, {}};
  }
  return oip::split_binary_body(request.body,
                                kept_field(request, KeptField::inference_header_content_length));
}

// JSON, as the protocol says. Clients of the binary extension (tritonclient) send no
// Content-Type or application/octet-stream; so does tritonclient for a JSON-only request, so a
// missing Content-Type is read as JSON too. Anything else (a form, text/plain) is refused.
bool acceptable_content_type(const http::Request& request, bool binary) {
  const std::string_view type = request.content_type;
  if (type.empty() || is_json(type)) return true;
  return binary && type.starts_with("application/octet-stream");
}

std::vector<std::string_view> versions_of(const model::ModelRegistry& models,
                                          const model::Family& family) {
  std::vector<std::string_view> versions;
  for (std::size_t slot : family.slots) versions.emplace_back(models.at(slot).info().version);
  return versions;
}

}  // namespace

InferenceEndpoints::InferenceEndpoints(unsigned workers, oip::InferLimits limits,
                                       std::string server_version)
    : server_version_(std::move(server_version)) {
  for (unsigned i = 0; i < workers; ++i) {
    parsers_.emplace_back(limits);
    columns_.emplace_back();
    readings_.emplace_back();
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

void InferenceEndpoints::fail(Call& call, const oip::OipError& error) const {
  fail(call, static_cast<unsigned>(oip::http_status(error.kind)), error.message);
}

void InferenceEndpoints::fail(Call& call, unsigned status, std::string_view message) const {
  call.response.status = status;
  call.response.body = oip::render_error(message);
}

void InferenceEndpoints::answer(Call& call, const Readiness& readiness) {
  http::Response& response = call.response;
  switch (call.route) {
    case Route::v2_server: {
      static constexpr std::array<std::string_view, 1> kExtensions = {
          oip::kBinaryTensorDataExtension};
      response.body = oip::render_server_metadata("secure-ml-api", server_version_, kExtensions);
      return;
    }
    case Route::v2_live:
      response.body = oip::render_live(true);
      return;
    case Route::v2_ready:
      if (!readiness.ready()) response.status = 503;
      response.body = oip::render_ready(readiness.ready());
      return;
    case Route::v2_models:
      return model_index(call);
    default:
      break;
  }
  const model::ModelRegistry& models = call.worker.models();
  const model::Family* family = models.family(call.model_name);
  if (family == nullptr) return fail(call, oip::unknown_model_error());
  auto slot = models.find(family->name, call.model_version);
  if (!slot) return fail(call, oip::unknown_model_version_error(family->name));
  switch (call.route) {
    case Route::v2_model:
    case Route::v2_version:
      return model_metadata(call, *family);
    case Route::v2_model_ready:
    case Route::v2_version_ready:
      if (!readiness.ready()) response.status = 503;
      response.body = oip::render_model_ready(family->name, readiness.ready());
      return;
    default:
      return infer(call, *slot);
  }
}

void InferenceEndpoints::model_index(Call& call) const {
  const model::ModelRegistry& models = call.worker.models();
  std::vector<oip::ModelIndexEntry> entries;
  for (const model::Family& family : models.families()) {
    const model::ModelInfo& info = models.at(family.slots.front()).info();
    entries.push_back({family.name, versions_of(models, family), info.platform});
  }
  call.response.body = oip::render_model_index(entries);
}

void InferenceEndpoints::model_metadata(Call& call, const model::Family& family) const {
  const model::ModelRegistry& models = call.worker.models();
  const model::ModelInfo& info = models.at(family.slots.front()).info();
  const std::vector<std::string_view> versions = versions_of(models, family);
  call.response.body =
      oip::render_model_metadata(family.name, versions, info.platform, info.outputs);
}

void InferenceEndpoints::infer(Call& call, std::size_t slot) {
  auto body = split_body(call.request);
  if (!body) return fail(call, body.error());
  if (!acceptable_content_type(call.request, !body->binary.empty())) {
    return fail(call, 415,
                "Content-Type must be application/json (or, with "
                "Inference-Header-Content-Length, application/octet-stream)");
  }
  WorkerState& worker = call.worker;
  auto request = parsers_[worker.index].parse(body->json, body->binary);
  if (!request) return fail(call, request.error());
  const model::Model& scored = worker.models().at(slot);
  const model::ModelInfo& info = scored.info();
  std::vector<oip::OutputColumn>& columns = columns_[worker.index];
  if (auto selected = oip::select_outputs(info, request->outputs, columns); !selected) {
    return fail(call, selected.error());
  }
  for (oip::OutputColumn& column : columns)
    column.binary = request->output_binary(column.spec->name);
  const std::size_t width = info.outputs.size();
  const std::size_t rows = request->texts.size();
  std::vector<double>& values = worker.outputs;
  values.resize(rows * width);
  Readings& readings = readings_[worker.index];
  readings.coverage.resize(rows);
  readings.warnings.resize(rows);
  readings.explanations.clear();
  readings.ends.clear();
  std::array<double, model::kLabelCount> labels{};
  model::Scorer& scorer = *worker.scorers[slot];
  for (std::size_t row = 0; row < rows; ++row) {
    std::span<double> outputs(values.data() + row * width, width);
    const std::string& text = request->texts[row];
    model::Reading reading;
    const bool scored_ok = request->explain
                               ? scorer.explain(text, outputs, reading, readings.explanations)
                               : scorer.score_and_read(text, outputs, reading);
    if (!scored_ok) return fail(call, 400, "input 'text' holds invalid UTF-8");
    readings.ends.push_back(readings.explanations.size());
    const model::LanguageCheck check = model::check_language(text, reading);
    readings.coverage[row] = check.coverage;
    readings.warnings[row] = check.warnings;
    labels[static_cast<std::size_t>(scored.label(outputs))] += 1;
  }
  readings.views.clear();
  if (request->explain) {
    std::size_t begin = 0;
    for (std::size_t end : readings.ends) {
      readings.views.push_back(std::string_view(readings.explanations).substr(begin, end - begin));
      begin = end;
    }
  }
  // Counted like /predict: the predictions panel sees every API.
  for (std::size_t label = 0; label < labels.size(); ++label) {
    if (labels[label] > 0) {
      worker.metrics.prediction(info.name, static_cast<model::Label>(label), labels[label]);
    }
  }
  std::optional<std::string_view> id;
  if (request->id) id = *request->id;
  const oip::ReadingOutputs reading_outputs{request->explain, readings.coverage, readings.warnings,
                                            readings.views};
  std::string binary;
  call.response.body = oip::render_infer_response(info.name, info.version, id, columns, values,
                                                  width, reading_outputs, binary);
  if (!binary.empty()) {
    // The binary tensor data extension's answer: the JSON, then the outputs' bytes.
    json::append_integer(call.response.add_header_value(oip::kInferenceHeaderContentLength),
                         static_cast<long long>(call.response.body.size()));
    call.response.body += binary;
    call.response.content_type = "application/octet-stream";
  }
}

}  // namespace smlapi::api
