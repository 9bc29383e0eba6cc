#include "api/worker_state.h"

#include <openssl/rand.h>

#include <charconv>
#include <cstdio>

namespace smlapi::api {

namespace {
constexpr std::size_t kMaxRequestIdLength = 128;

bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;  // never echo something that could split a header or a log line
  }
  return true;
}

// Lower-case hex without leading zeros, as printf's %x.
void append_hex(std::string& out, std::uint64_t value) {
  char digits[16];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value, 16);
  out.append(digits, end);
}

}  // namespace

WorkerState::WorkerState(unsigned worker_index, const ModelsSource& models, LogSink& sink,
                         bool access_log, WorkerMetrics& worker_metrics)
    : index(worker_index), log(sink, access_log), metrics(worker_metrics) {
  follow_models(models);
  unsigned char random[6];
  if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("RAND_bytes failed");
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%02x%02x%02x%02x%02x%02x", random[0], random[1], random[2],
                random[3], random[4], random[5]);
  request_id_prefix = prefix;
}

void WorkerState::follow_models(const ModelsSource& source) {
  const std::uint64_t generation = source.generation();
  if (generation == models_generation && registry) return;
  // The generation is read before the registry: a reload in between is picked up next time.
  std::shared_ptr<const model::ModelRegistry> next = source.current();
  scorers.clear();
  fragments.clear();
  for (std::size_t slot = 0; slot < next->size(); ++slot) {
    scorers.push_back(next->at(slot).make_scorer());
    fragments.push_back(fragments_of(next->at(slot).info()));
  }
  registry = std::move(next);
  models_generation = generation;
}

simdjson::padded_string_view WorkerState::padded(const std::string& body) {
  if (body.capacity() >= body.size() + simdjson::SIMDJSON_PADDING) {
    return simdjson::padded_string_view(body.data(), body.size(), body.capacity());
  }
  padded_body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  padded_body.assign(body);
  return simdjson::padded_string_view(padded_body.data(), padded_body.size(),
                                      padded_body.capacity());
}

std::string_view WorkerState::assign_request_id(std::string_view from_client, std::string& id) {
  if (acceptable_request_id(from_client)) {
    id.assign(from_client);
    return id;
  }
  // "<prefix>-<worker in hex>-<counter in hex>", formatted by hand: snprintf
  // was a quarter of the instructions of a whole /healthz request.
  id.assign(request_id_prefix);
  id.push_back('-');
  append_hex(id, index);
  id.push_back('-');
  append_hex(id, ++request_counter);
  return id;
}

}  // namespace smlapi::api
