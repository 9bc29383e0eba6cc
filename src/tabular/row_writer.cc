#include "tabular/row_writer.h"

#include "common/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <utility>

namespace smlapi::tabular {

void append_csv_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

namespace {

// An output value at `at` (room for json::kMaxNumberLength characters); returns the end.
char* write_output(char* at, const OutputColumn& column, double value) {
  if (column.integer && std::isfinite(value)) {
    return std::to_chars(at, at + json::kMaxNumberLength, static_cast<long long>(value)).ptr;
  }
  return json::write_number(at, value);
}

void append_output(std::string& out, const OutputColumn& column, double value) {
  char text[json::kMaxNumberLength];
  out.append(text, static_cast<std::size_t>(write_output(text, column, value) - text));
}

std::string json_key(std::string_view name) {
  std::string key;
  json::append_string(key, name);
  key.push_back(':');
  return key;
}

}  // namespace

RowWriter::RowWriter(OutputFormat format, OutputLayout layout)
    : format_(format), layout_(std::move(layout)) {
  for (const std::string& name : layout_.passthrough) passthrough_keys_.push_back(json_key(name));
  for (const OutputColumn& column : layout_.outputs) {
    output_keys_.push_back(json_key(column.name));
    output_keys_bytes_ += output_keys_.back().size();
  }
  for (const std::string& name : layout_.extra) extra_keys_.push_back(json_key(name));
}

void RowWriter::begin(std::string& out) const {
  if (format_ != OutputFormat::csv) return;
  for (const std::string& name : layout_.passthrough) {
    append_csv_field(out, name);
    out.push_back(',');
  }
  out.append("label");
  for (const OutputColumn& column : layout_.outputs) {
    out.push_back(',');
    append_csv_field(out, column.name);
  }
  for (const std::string& name : layout_.extra) {
    out.push_back(',');
    append_csv_field(out, name);
  }
  out.append(",error\n");
}

void RowWriter::passthrough_json(std::string& out, std::span<const FieldValue> values) const {
  for (std::size_t i = 0; i < layout_.passthrough.size(); ++i) {
    out.append(passthrough_keys_[i]);
    switch (values[i].kind) {
      case FieldValue::Kind::missing:
        out.append("null");
        break;
      case FieldValue::Kind::text:
        json::append_string(out, values[i].bytes);
        break;
      case FieldValue::Kind::json:
        out.append(values[i].bytes);
        break;
    }
    out.push_back(',');
  }
}

// `"label":"…"` and every `,"name":value` laid out in one buffer and appended once: as
// separate appends they were a call (and a memcpy) each, a tenth of scoring a short text.
void RowWriter::append_label_and_outputs(std::string& out, std::string_view label,
                                         std::span<const double> outputs) const {
  constexpr std::string_view kLabelKey = "\"label\":\"";
  const std::size_t room = kLabelKey.size() + label.size() + 1 + output_keys_bytes_ +
                           layout_.outputs.size() * (1 + json::kMaxNumberLength);
  char on_stack[512];
  std::string on_heap;
  char* const buffer = room <= sizeof on_stack ? on_stack : (on_heap.resize(room), on_heap.data());
  char* at = buffer;
  const auto put = [&at](std::string_view text) {
    std::memcpy(at, text.data(), text.size());
    at += text.size();
  };
  put(kLabelKey);
  put(label);
  *at++ = '"';
  for (std::size_t i = 0; i < layout_.outputs.size(); ++i) {
    *at++ = ',';
    put(output_keys_[i]);
    at = write_output(at, layout_.outputs[i], outputs[i]);
  }
  out.append(buffer, static_cast<std::size_t>(at - buffer));
}

void RowWriter::passthrough_csv(std::string& out, std::span<const FieldValue> values) const {
  for (std::size_t i = 0; i < layout_.passthrough.size(); ++i) {
    append_csv_field(out, values[i].bytes);  // missing: empty
    out.push_back(',');
  }
}

void RowWriter::scored(std::string& out, std::span<const FieldValue> passthrough,
                       std::string_view label, std::span<const double> outputs,
                       std::span<const std::string_view> extra_json) const {
  if (format_ == OutputFormat::csv) {
    passthrough_csv(out, passthrough);
    out.append(label);
    for (std::size_t i = 0; i < layout_.outputs.size(); ++i) {
      out.push_back(',');
      append_output(out, layout_.outputs[i], outputs[i]);
    }
    for (std::string_view json : extra_json) {
      out.push_back(',');
      append_csv_field(out, json);
    }
    out.append(",\n");
    return;
  }
  out.push_back('{');
  passthrough_json(out, passthrough);
  append_label_and_outputs(out, label, outputs);
  for (std::size_t i = 0; i < extra_json.size(); ++i) {
    out.push_back(',');
    out.append(extra_keys_[i]);
    out.append(extra_json[i]);
  }
  out.append("}\n");
}

void RowWriter::failed(std::string& out, std::span<const FieldValue> passthrough,
                       std::string_view error) const {
  if (format_ == OutputFormat::csv) {
    passthrough_csv(out, passthrough);
    // label, outputs and extra fields empty
    out.append(layout_.outputs.size() + layout_.extra.size(), ',');
    out.push_back(',');
    append_csv_field(out, error);
    out.push_back('\n');
    return;
  }
  out.push_back('{');
  passthrough_json(out, passthrough);
  out.append("\"error\":");
  json::append_string(out, error);
  out.append("}\n");
}

}  // namespace smlapi::tabular
