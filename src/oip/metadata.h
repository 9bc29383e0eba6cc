// Rendering of the protocol's metadata and health bodies.
//
// Model metadata declares one input, `text` BYTES [-1], and the model's own outputs, each a
// tensor of shape [-1] (see output_selection.h for why one tensor per output).
#pragma once

#include "model/model.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smlapi::oip {

// {"name":..,"version":..,"extensions":[..]}
std::string render_server_metadata(std::string_view name, std::string_view version,
                                   std::span<const std::string_view> extensions);

// {"name":..,"versions":[..],"platform":..,"inputs":[..],"outputs":[..]}; `versions` is left
// out when empty (the protocol makes it optional).
std::string render_model_metadata(std::string_view name, std::span<const std::string_view> versions,
                                  std::string_view platform,
                                  std::span<const model::OutputSpec> outputs);

// GET /v2/models (an index in the spirit of the protocol's repository extension):
// {"models":[{"name":..,"versions":[..],"platform":..}, ...]}
struct ModelIndexEntry {
  std::string_view name;
  std::vector<std::string_view> versions;  // default first
  std::string_view platform;
};
std::string render_model_index(std::span<const ModelIndexEntry> models);

// Health bodies; the HTTP status (200 or 503) is the actual answer.
std::string render_live(bool live);                                 // {"live":true}
std::string render_ready(bool ready);                               // {"ready":true}
std::string render_model_ready(std::string_view name, bool ready);  // {"name":..,"ready":..}

// {"error":"<message>"}: the protocol's error body for every failure.
std::string render_error(std::string_view message);

}  // namespace smlapi::oip
