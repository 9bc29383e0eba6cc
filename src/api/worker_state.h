// Per-worker-thread state, kept across requests: parsers, a scorer per model (with its scratch
// buffers), the token verifier's reusable crypto contexts and cache, the log buffer and the
// metrics registry. Only its own worker thread touches it, so none of it needs a lock. What
// belongs to one request lives in a RequestState (request_state.h).
#pragma once

#include "api/call.h"
#include "api/log.h"
#include "api/models_source.h"
#include "api/plan_policies.h"
#include "api/predict_fragments.h"
#include "api/request_state.h"
#include "api/service_metrics.h"
#include "api/verified_token_cache.h"
#include "auth/credential_store.h"
#include "auth/federation/federated_verifier.h"
#include "auth/token_verifier.h"
#include "federation/federation_keys.h"
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
  WorkerState(unsigned worker_index, const ModelsSource& models, LogSink& sink, bool access_log,
              WorkerMetrics& worker_metrics);

  // The registry this worker scores with: handlers read models through it, never through a
  // registry of their own, so that the outputs and model_version of one answer always agree.
  const model::ModelRegistry& models() const { return *registry; }
  // Takes the source's current registry (and builds its scorers) when it changed. Called
  // between requests only: cheap (one atomic load) when nothing changed.
  void follow_models(const ModelsSource& source);

  unsigned index;
  simdjson::ondemand::parser json;
  std::shared_ptr<const model::ModelRegistry> registry;
  std::uint64_t models_generation = 0;                  // ModelsSource::generation of `registry`
  std::vector<std::unique_ptr<model::Scorer>> scorers;  // by registry slot
  std::vector<PredictFragments> fragments;              // by registry slot
  std::vector<double> outputs;  // scratch: one row of a model's outputs per text
  std::vector<std::string_view> texts;
  std::string padded_body;  // copy of a body that arrived without spare capacity
  BufferedLog log;
  WorkerMetrics& metrics;
  std::optional<auth::TokenVerifier> verifier;
  std::uint64_t key_generation = 0;  // of the keys `verifier` holds (KeysSource::generation)
  VerifiedTokenCache token_cache;
  // The identity store (users file) this worker checks tokens' authority against and reads
  // plans from, and its CredentialsSource generation (AccessControl follows it).
  std::shared_ptr<const auth::CredentialStore> identities;
  std::uint64_t identity_generation = 0;
  // The plans' rate-limit policies for `identities` (Admission prepares them; null: none yet).
  std::shared_ptr<const PlanPolicies> plan_policies;
  // Federation only (FederatedAccess): the external issuers' verifier and the keys it uses.
  std::optional<auth::federation::FederatedVerifier> federated_verifier;
  std::shared_ptr<const federation::FederationSnapshot> federation_keys;
  std::string request_id_prefix;
  std::uint64_t request_counter = 0;
  // The request this worker is answering: one at a time, so one state reused (no allocation
  // once its strings are warm).
  RequestState request;

  // The body as simdjson wants it: in place when the parser reserved padding.
  simdjson::padded_string_view padded(const std::string& body);
  // Honours a well-formed X-Request-ID, otherwise makes a unique one, into `id`.
  std::string_view assign_request_id(std::string_view from_client, std::string& id);
};

}  // namespace smlapi::api
