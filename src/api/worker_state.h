// Per-worker-thread state: parsers, a scorer per model (with its scratch buffers), the token
// verifier's reusable crypto contexts, the log buffer and the metrics registry.
// Only its own worker thread touches it, so none of it needs a lock.
#pragma once

#include "api/call.h"
#include "api/log.h"
#include "api/service_metrics.h"
#include "api/verified_token_cache.h"
#include "auth/token_verifier.h"
#include "model/model_registry.h"

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smlapi::api {

struct WorkerState {
  WorkerState(unsigned worker_index, const model::ModelRegistry& models, LogSink& sink,
              bool access_log, WorkerMetrics& worker_metrics);

  unsigned index;
  simdjson::ondemand::parser json;
  std::vector<std::unique_ptr<model::Scorer>> scorers;  // by registry slot
  std::vector<double> outputs;  // scratch: one row of a model's outputs per text
  std::vector<std::string_view> texts;
  std::string padded_body;  // copy of a body that arrived without spare capacity
  BufferedLog log;
  WorkerMetrics& metrics;
  std::optional<auth::TokenVerifier> verifier;
  std::uint64_t key_generation = 0;  // of the keys `verifier` holds (KeysSource::generation)
  VerifiedTokenCache token_cache;
  std::string request_id;
  std::string request_id_prefix;
  std::uint64_t request_counter = 0;
  std::string client_address;
  std::string limit_key;          // scratch for rate-limit store keys
  std::string subject_limit_key;  // the second key of a combined check (CachedTokenLimiter)
  Principal principal;            // the caller of the current request, once authenticated

  // The body as simdjson wants it: in place when the parser reserved padding.
  simdjson::padded_string_view padded(const std::string& body);
  // Honours a well-formed X-Request-ID, otherwise makes a unique one.
  std::string_view assign_request_id(std::string_view from_client);
};

}  // namespace smlapi::api
