#include "oip/infer_response.h"

#include "common/json_writer.h"
#include "model/language_check.h"
#include "model/output_json.h"
#include "oip/binary_extension.h"

namespace smlapi::oip {

namespace {

void append_output(std::string& out, const OutputColumn& output, std::span<const double> values,
                   std::size_t row_width, std::string& binary) {
  const std::size_t rows = row_width == 0 ? 0 : values.size() / row_width;
  out += "{\"name\":";
  json::append_string(out, output.spec->name);
  out += ",\"datatype\":";
  json::append_string(out, model::to_string(output.spec->datatype));
  out += ",\"shape\":[";
  json::append_integer(out, static_cast<long long>(rows));
  out += ']';
  if (output.binary) {
    const std::size_t before = binary.size();
    for (std::size_t row = 0; row < rows; ++row) {
      const double value = values[row * row_width + output.column];
      if (output.spec->datatype == model::Datatype::int64) {
        append_int64(binary, static_cast<long long>(value));
      } else {
        append_fp64(binary, value);
      }
    }
    out += ",\"parameters\":{\"binary_data_size\":";
    json::append_integer(out, static_cast<long long>(binary.size() - before));
    out += "}}";
    return;
  }
  out += ",\"data\":[";
  for (std::size_t row = 0; row < rows; ++row) {
    if (row != 0) out += ',';
    model::append_json_value(out, output.spec->datatype, values[row * row_width + output.column]);
  }
  out += "]}";
}

void append_header(std::string& out, std::string_view name, std::string_view datatype,
                   std::size_t rows) {
  out += "{\"name\":";
  json::append_string(out, name);
  out += ",\"datatype\":";
  json::append_string(out, datatype);
  out += ",\"shape\":[";
  json::append_integer(out, static_cast<long long>(rows));
  out += "],\"data\":[";
}

// ,"parameters":{"warnings":"low_coverage,non_latin_script"} when any text warns.
void append_warning_parameters(std::string& out, const ReadingOutputs& reading) {
  std::uint8_t any = 0;
  for (std::uint8_t bits : reading.warnings) any |= bits;
  if (any == 0) return;
  std::string names;
  model::append_warnings_list(names, any);
  out += ",\"parameters\":{\"warnings\":";
  json::append_string(out, names);
  out += '}';
}

void append_reading(std::string& out, const ReadingOutputs& reading) {
  if (reading.explain) {
    out += ',';
    append_header(out, "coverage", "FP64", reading.coverage.size());
    for (std::size_t row = 0; row < reading.coverage.size(); ++row) {
      if (row != 0) out += ',';
      json::append_number(out, reading.coverage[row]);
    }
    out += "]},";
    append_header(out, "warnings", "BYTES", reading.warnings.size());
    std::string names;
    for (std::size_t row = 0; row < reading.warnings.size(); ++row) {
      if (row != 0) out += ',';
      names.clear();
      model::append_warnings_list(names, reading.warnings[row]);
      json::append_string(out, names);
    }
    out += "]}";
  }
  if (reading.explain) {
    out += ',';
    append_header(out, "explanation", "BYTES", reading.explanations.size());
    for (std::size_t row = 0; row < reading.explanations.size(); ++row) {
      if (row != 0) out += ',';
      json::append_string(out, reading.explanations[row]);
    }
    out += "]}";
  }
}

}  // namespace

std::string render_infer_response(std::string_view model_name, std::string_view model_version,
                                  std::optional<std::string_view> id,
                                  std::span<const OutputColumn> outputs,
                                  std::span<const double> values, std::size_t row_width,
                                  const ReadingOutputs& reading) {
  std::string unused;
  return render_infer_response(model_name, model_version, id, outputs, values, row_width, reading,
                               unused);
}

std::string render_infer_response(std::string_view model_name, std::string_view model_version,
                                  std::optional<std::string_view> id,
                                  std::span<const OutputColumn> outputs,
                                  std::span<const double> values, std::size_t row_width,
                                  const ReadingOutputs& reading, std::string& binary) {
  std::string out;
  // About 20 bytes per number plus the fixed parts: one allocation for typical batches.
  const std::size_t rows = row_width == 0 ? 0 : values.size() / row_width;
  out.reserve(128 + outputs.size() * (64 + rows * 22));
  out += "{\"model_name\":";
  json::append_string(out, model_name);
  if (!model_version.empty()) {
    out += ",\"model_version\":";
    json::append_string(out, model_version);
  }
  if (id) {
    out += ",\"id\":";
    json::append_string(out, *id);
  }
  append_warning_parameters(out, reading);
  out += ",\"outputs\":[";
  bool first = true;
  for (const OutputColumn& output : outputs) {
    if (!first) out += ',';
    first = false;
    append_output(out, output, values, row_width, binary);
  }
  append_reading(out, reading);
  out += "]}";
  return out;
}

}  // namespace smlapi::oip
