#include "api/predict_fragments.h"

#include "common/json_writer.h"

namespace smlapi::api {

namespace {
constexpr std::array<model::Label, model::kLabelCount> kLabels = {
    model::Label::positive, model::Label::negative, model::Label::neutral};
}  // namespace

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

}  // namespace smlapi::api
