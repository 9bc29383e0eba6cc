#include "oip/metadata.h"

#include "common/json_writer.h"

namespace smlapi::oip {

namespace {

void append_string_array(std::string& out, std::span<const std::string_view> items) {
  out += '[';
  bool first = true;
  for (std::string_view item : items) {
    if (!first) out += ',';
    first = false;
    json::append_string(out, item);
  }
  out += ']';
}

void append_tensor(std::string& out, std::string_view name, std::string_view datatype) {
  out += "{\"name\":";
  json::append_string(out, name);
  out += ",\"datatype\":";
  json::append_string(out, datatype);
  out += ",\"shape\":[-1]}";
}

std::string bool_body(std::string_view key, bool value) {
  std::string out = "{";
  json::append_string(out, key);
  out += value ? ":true}" : ":false}";
  return out;
}

}  // namespace

std::string render_server_metadata(std::string_view name, std::string_view version,
                                   std::span<const std::string_view> extensions) {
  std::string out = "{\"name\":";
  json::append_string(out, name);
  out += ",\"version\":";
  json::append_string(out, version);
  out += ",\"extensions\":";
  append_string_array(out, extensions);
  out += '}';
  return out;
}

std::string render_model_metadata(std::string_view name, std::span<const std::string_view> versions,
                                  std::string_view platform,
                                  std::span<const model::OutputSpec> outputs) {
  std::string out = "{\"name\":";
  json::append_string(out, name);
  if (!versions.empty()) {
    out += ",\"versions\":";
    append_string_array(out, versions);
  }
  out += ",\"platform\":";
  json::append_string(out, platform);
  out += ",\"inputs\":[";
  append_tensor(out, "text", "BYTES");
  out += "],\"outputs\":[";
  bool first = true;
  for (const model::OutputSpec& output : outputs) {
    if (!first) out += ',';
    first = false;
    append_tensor(out, output.name, model::to_string(output.datatype));
  }
  out += "]}";
  return out;
}

std::string render_model_index(std::span<const ModelIndexEntry> models) {
  std::string out = "{\"models\":[";
  bool first = true;
  for (const ModelIndexEntry& entry : models) {
    if (!first) out += ',';
    first = false;
    out += "{\"name\":";
    json::append_string(out, entry.name);
    out += ",\"versions\":";
    append_string_array(out, entry.versions);
    out += ",\"platform\":";
    json::append_string(out, entry.platform);
    out += '}';
  }
  out += "]}";
  return out;
}

std::string render_live(bool live) { return bool_body("live", live); }

std::string render_ready(bool ready) { return bool_body("ready", ready); }

std::string render_model_ready(std::string_view name, bool ready) {
  std::string out = "{\"name\":";
  json::append_string(out, name);
  out += ready ? ",\"ready\":true}" : ",\"ready\":false}";
  return out;
}

std::string render_error(std::string_view message) {
  std::string out = "{\"error\":";
  json::append_string(out, message);
  out += '}';
  return out;
}

}  // namespace smlapi::oip
