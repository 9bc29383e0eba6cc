#include "oip/infer_response.h"

#include "oip/json_writer.h"

namespace smlapi::oip {

double score_of(const Scores& scores, OutputName name) noexcept {
  switch (name) {
    case OutputName::neg:
      return scores.neg;
    case OutputName::neu:
      return scores.neu;
    case OutputName::pos:
      return scores.pos;
    case OutputName::compound:
      return scores.compound;
  }
  return scores.compound;
}

namespace {

void append_output(std::string& out, OutputName name, std::span<const Scores> scores) {
  out += "{\"name\":";
  append_json_string(out, to_string(name));
  out += ",\"datatype\":\"FP64\",\"shape\":[";
  out += std::to_string(scores.size());
  out += "],\"data\":[";
  bool first = true;
  for (const Scores& text_scores : scores) {
    if (!first) out += ',';
    first = false;
    append_json_number(out, score_of(text_scores, name));
  }
  out += "]}";
}

}  // namespace

std::string render_infer_response(std::string_view model_name, std::string_view model_version,
                                  std::optional<std::string_view> id,
                                  std::span<const OutputName> outputs,
                                  std::span<const Scores> scores) {
  std::string out;
  // About 20 bytes per number plus the fixed parts: one allocation for typical batches.
  out.reserve(128 + outputs.size() * (64 + scores.size() * 22));
  out += "{\"model_name\":";
  append_json_string(out, model_name);
  if (!model_version.empty()) {
    out += ",\"model_version\":";
    append_json_string(out, model_version);
  }
  if (id) {
    out += ",\"id\":";
    append_json_string(out, *id);
  }
  out += ",\"outputs\":[";
  bool first = true;
  for (OutputName name : outputs) {
    if (!first) out += ',';
    first = false;
    append_output(out, name, scores);
  }
  out += "]}";
  return out;
}

}  // namespace smlapi::oip
