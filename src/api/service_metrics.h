// Prometheus metrics of the service. Each worker thread owns a registry of its
// own, so recording never contends across threads; a scrape merges them (sums
// per label set) before writing the text exposition.
#pragma once

#include "api/routes.h"
#include "model/model.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace smlapi::api {

// The metric set one registry holds; every worker has the same set.
class WorkerMetrics {
 public:
  WorkerMetrics();

  void observe_request(Route route, MethodLabel method, unsigned status, double seconds,
                       std::size_t request_bytes, std::size_t response_bytes);
  // Creates the zero-valued series of a model's labels, so they exist before its first text.
  void declare_model(std::string_view model_name);
  // `count` texts scored by `model` (its family name) with `label`, whatever the API.
  void prediction(std::string_view model_name, model::Label label, double count = 1);
  void error(std::string_view kind);
  void shed(std::string_view reason);
  void token_issued(std::string_view grant_type);
  void auth_failure(std::string_view reason);
  void rate_limited(Route route, std::string_view policy);
  void ratelimit_eviction(double count = 1);
  void store_error(std::string_view store);
  void store_latency(std::string_view store, double seconds);
  void tls_handshake_failure(std::string_view reason);
  prometheus::Gauge& in_flight() { return in_flight_; }
  prometheus::Gauge& connections() { return connections_; }
  prometheus::Registry& registry() { return *registry_; }

 private:
  struct RequestSeries {
    prometheus::Counter* count;
    prometheus::Histogram* duration;
  };
  struct RouteSeries {
    prometheus::Histogram* request_size;
    prometheus::Histogram* response_size;
  };
  RequestSeries& request_series(Route route, MethodLabel method, unsigned status);
  RouteSeries& route_series(Route route);
  static prometheus::Counter& labelled(prometheus::Family<prometheus::Counter>& family,
                                       std::string_view name, std::string_view value);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Family<prometheus::Histogram>& request_sizes_;
  prometheus::Family<prometheus::Histogram>& response_sizes_;
  prometheus::Gauge& in_flight_;
  prometheus::Gauge& connections_;
  prometheus::Family<prometheus::Counter>& shed_;
  prometheus::Family<prometheus::Counter>& predictions_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Counter>& tokens_issued_;
  prometheus::Family<prometheus::Counter>& auth_failures_;
  prometheus::Family<prometheus::Counter>& limited_;
  prometheus::Counter& evictions_;
  prometheus::Family<prometheus::Counter>& store_errors_;
  prometheus::Family<prometheus::Histogram>& store_latency_;
  prometheus::Histogram* redis_latency_ = nullptr;
  prometheus::Family<prometheus::Counter>& tls_handshake_failures_;
  struct ModelPredictions {
    std::string name;
    std::array<prometheus::Counter*, model::kLabelCount> by_label;  // indexed by model::Label
  };
  ModelPredictions& predictions_of(std::string_view model_name);
  std::vector<ModelPredictions> predictions_by_model_;  // a few models: a linear scan
  std::unordered_map<std::uint32_t, RequestSeries> request_cache_;
  std::unordered_map<std::uint32_t, RouteSeries> route_cache_;
};

struct BuildInfo {
  std::string version;
  std::string git_commit;
};

class ServiceMetrics {
 public:
  ServiceMetrics(unsigned workers, const BuildInfo& build);
  WorkerMetrics& worker(unsigned index) { return *workers_[index]; }
  // Recording from threads that are not workers (e.g. the hashing pool).
  WorkerMetrics& background() { return *background_; }
  prometheus::Gauge& redis_up() { return *redis_up_; }
  // Where process-wide series of other components register (e.g. span export).
  prometheus::Registry& process_registry() { return *process_; }
  // The workers' pipelined Redis connections (sampled once a second by the wiring).
  struct RedisLinks {
    prometheus::Gauge* up;         // connections whose link is up
    prometheus::Gauge* down;       // ... backing off after a failure
    prometheus::Gauge* in_flight;  // commands accepted, reply not yet read
    prometheus::Gauge* pipelined;  // ... of which written: the pipeline depth
    prometheus::Counter* reconnects;
  };
  RedisLinks& redis_links() { return redis_links_; }
  // The users file's and key directory's reload state (label source="users" or "keys").
  struct IdentitySource {
    prometheus::Gauge* ok;                 // 1 loaded, 0 degraded (serving the last good state)
    prometheus::Counter* reload_failures;  // reloads that found it missing, corrupt or untrusted
    prometheus::Gauge* last_success;       // Unix time of the last successful load
  };
  // Failure counters the in-process store's full failure table gave up (docs/security.md).
  prometheus::Counter& login_counter_evictions() { return *login_counter_evictions_; }
  IdentitySource& users_source() { return users_source_; }
  IdentitySource& keys_source() { return keys_source_; }
  IdentitySource& lexicon_source() { return lexicon_source_; }  // source="lexicon"
  // Every model's prediction series in every registry, from the first scrape on.
  void declare_models(std::span<const std::string_view> models);
  // Who reads a scrape. The admin port (cluster-internal, see docs/security.md) sees
  // everything; the public port, when it serves /metrics at all, sees nothing that helps an
  // attacker: no git commit (which build to attack) and auth failures without their reason
  // (which check a forged token failed).
  enum class Audience { admin, public_port };
  // Text exposition format 0.0.4 of all registries, merged.
  std::string scrape(Audience audience) const;

 private:
  std::vector<std::unique_ptr<WorkerMetrics>> workers_;
  std::unique_ptr<WorkerMetrics> background_;
  std::shared_ptr<prometheus::Registry> process_;
  prometheus::Gauge* redis_up_;
  RedisLinks redis_links_{};
  prometheus::Counter* login_counter_evictions_ = nullptr;
  IdentitySource users_source_{};
  IdentitySource keys_source_{};
  IdentitySource lexicon_source_{};
};

}  // namespace smlapi::api
