#include "api/service_metrics.h"

#include "api/process_metrics.h"

#include <prometheus/text_serializer.h>

#include <map>

namespace smlapi::api {

namespace pm = prometheus;

namespace {

const pm::Histogram::BucketBoundaries& latency_buckets() {
  static const pm::Histogram::BucketBoundaries kBuckets{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return kBuckets;
}

const pm::Histogram::BucketBoundaries& size_buckets() {
  static const pm::Histogram::BucketBoundaries kBuckets{64,    256,   1024,   4096,
                                                        16384, 65536, 262144, 1048576};
  return kBuckets;
}

std::string status_text(unsigned status) { return std::to_string(status); }

}  // namespace

WorkerMetrics::WorkerMetrics()
    : registry_(std::make_shared<pm::Registry>()),
      requests_(pm::BuildCounter()
                    .Name("smlapi_http_requests_total")
                    .Help("HTTP requests answered, by route template, method and status.")
                    .Register(*registry_)),
      durations_(pm::BuildHistogram()
                     .Name("smlapi_http_request_duration_seconds")
                     .Help("Time from a complete request to its answer being queued.")
                     .Register(*registry_)),
      request_sizes_(pm::BuildHistogram()
                         .Name("smlapi_http_request_size_bytes")
                         .Help("Request body sizes by route template.")
                         .Register(*registry_)),
      response_sizes_(pm::BuildHistogram()
                          .Name("smlapi_http_response_size_bytes")
                          .Help("Response body sizes by route template.")
                          .Register(*registry_)),
      in_flight_(pm::BuildGauge()
                     .Name("smlapi_http_requests_in_flight")
                     .Help("Requests being handled now.")
                     .Register(*registry_)
                     .Add({})),
      connections_(pm::BuildGauge()
                       .Name("smlapi_http_connections_active")
                       .Help("Open client connections.")
                       .Register(*registry_)
                       .Add({})),
      shed_(pm::BuildCounter()
                .Name("smlapi_http_requests_shed_total")
                .Help("Requests refused with 503 because the service was overloaded.")
                .Register(*registry_)),
      predictions_(pm::BuildCounter()
                       .Name("smlapi_predictions_total")
                       .Help("Texts scored, by model and predicted label, over every API.")
                       .Register(*registry_)),
      errors_(pm::BuildCounter()
                  .Name("smlapi_errors_total")
                  .Help("Error answers by kind.")
                  .Register(*registry_)),
      tokens_issued_(pm::BuildCounter()
                         .Name("smlapi_auth_tokens_issued_total")
                         .Help("Access tokens issued, by grant type.")
                         .Register(*registry_)),
      auth_failures_(pm::BuildCounter()
                         .Name("smlapi_auth_failures_total")
                         .Help("Authentication and authorization failures, by reason.")
                         .Register(*registry_)),
      limited_(pm::BuildCounter()
                   .Name("smlapi_ratelimit_limited_total")
                   .Help("Requests refused by a rate-limit policy.")
                   .Register(*registry_)),
      evictions_(pm::BuildCounter()
                     .Name("smlapi_ratelimit_evictions_total")
                     .Help("Rate-limit keys evicted from the in-process store to stay bounded.")
                     .Register(*registry_)
                     .Add({})),
      store_errors_(pm::BuildCounter()
                        .Name("smlapi_ratelimit_store_errors_total")
                        .Help("Rate-limit store failures (timeouts, disconnects), by store.")
                        .Register(*registry_)),
      store_latency_(pm::BuildHistogram()
                         .Name("smlapi_ratelimit_store_latency_seconds")
                         .Help("Latency of rate-limit store decisions, by store.")
                         .Register(*registry_)),
      tls_handshake_failures_(pm::BuildCounter()
                                  .Name("smlapi_tls_handshake_failures_total")
                                  .Help("TLS handshakes that did not complete, by reason "
                                        "(rejected, timed_out, peer_closed).")
                                  .Register(*registry_)) {
  // Created up front so every label is exported from the first scrape and the
  // hot path needs no label lookup.
  // Zero-valued series for the families alerts and dashboards query, so they
  // exist before the first event (an absent series breaks rate() and alerts).
  for (const char* reason : {"connections", "hashing", "ratelimit_store"}) {
    shed_.Add({{"reason", reason}});
  }
  for (const char* store : {"memory", "redis"}) {
    store_errors_.Add({{"store", store}});
  }
  redis_latency_ = &store_latency_.Add({{"store", "redis"}}, latency_buckets());
}

pm::Counter& WorkerMetrics::labelled(pm::Family<pm::Counter>& family, std::string_view name,
                                     std::string_view value) {
  return family.Add({{std::string(name), std::string(value)}});
}

WorkerMetrics::RequestSeries& WorkerMetrics::request_series(Route route, MethodLabel method,
                                                            unsigned status) {
  std::uint32_t key = (static_cast<std::uint32_t>(route) << 24) |
                      (static_cast<std::uint32_t>(method) << 16) | status;
  auto found = request_cache_.find(key);
  if (found != request_cache_.end()) return found->second;
  pm::Labels labels{{"route", std::string(route_info(route).template_path)},
                    {"method", std::string(to_string(method))},
                    {"status", status_text(status)}};
  RequestSeries series{&requests_.Add(labels), &durations_.Add(labels, latency_buckets())};
  return request_cache_.emplace(key, series).first->second;
}

WorkerMetrics::RouteSeries& WorkerMetrics::route_series(Route route) {
  auto key = static_cast<std::uint32_t>(route);
  auto found = route_cache_.find(key);
  if (found != route_cache_.end()) return found->second;
  pm::Labels labels{{"route", std::string(route_info(route).template_path)}};
  RouteSeries series{&request_sizes_.Add(labels, size_buckets()),
                     &response_sizes_.Add(labels, size_buckets())};
  return route_cache_.emplace(key, series).first->second;
}

void WorkerMetrics::observe_request(Route route, MethodLabel method, unsigned status,
                                    double seconds, std::size_t request_bytes,
                                    std::size_t response_bytes) {
  RequestSeries& series = request_series(route, method, status);
  series.count->Increment();
  series.duration->Observe(seconds);
  RouteSeries& sizes = route_series(route);
  sizes.request_size->Observe(static_cast<double>(request_bytes));
  sizes.response_size->Observe(static_cast<double>(response_bytes));
}

WorkerMetrics::ModelPredictions& WorkerMetrics::predictions_of(std::string_view model_name) {
  for (ModelPredictions& known : predictions_by_model_) {
    if (known.name == model_name) return known;
  }
  ModelPredictions& added = predictions_by_model_.emplace_back();
  added.name = model_name;
  for (model::Label label :
       {model::Label::positive, model::Label::negative, model::Label::neutral}) {
    added.by_label[static_cast<std::size_t>(label)] = &predictions_.Add(
        {{"model", std::string(model_name)}, {"label", std::string(model::to_string(label))}});
  }
  return added;
}

void WorkerMetrics::declare_model(std::string_view model_name) { predictions_of(model_name); }

void WorkerMetrics::prediction(std::string_view model_name, model::Label label, double count) {
  predictions_of(model_name).by_label[static_cast<std::size_t>(label)]->Increment(count);
}
void WorkerMetrics::error(std::string_view kind) { labelled(errors_, "kind", kind).Increment(); }
void WorkerMetrics::tls_handshake_failure(std::string_view reason) {
  labelled(tls_handshake_failures_, "reason", reason).Increment();
}
void WorkerMetrics::shed(std::string_view reason) { labelled(shed_, "reason", reason).Increment(); }
void WorkerMetrics::token_issued(std::string_view grant_type) {
  labelled(tokens_issued_, "grant_type", grant_type).Increment();
}
void WorkerMetrics::auth_failure(std::string_view reason) {
  labelled(auth_failures_, "reason", reason).Increment();
}
void WorkerMetrics::rate_limited(Route route, std::string_view policy) {
  limited_
      .Add({{"route", std::string(route_info(route).template_path)},
            {"policy", std::string(policy)}})
      .Increment();
}
void WorkerMetrics::ratelimit_eviction(double count) { evictions_.Increment(count); }
void WorkerMetrics::store_error(std::string_view store) {
  labelled(store_errors_, "store", store).Increment();
}
void WorkerMetrics::store_latency(std::string_view store, double seconds) {
  // Family::Add builds a histogram (and a label map) before it finds the existing one: the one
  // store observed per request keeps its series.
  if (store == "redis") return redis_latency_->Observe(seconds);
  store_latency_.Add({{"store", std::string(store)}}, latency_buckets()).Observe(seconds);
}

ServiceMetrics::ServiceMetrics(unsigned workers, const BuildInfo& build)
    : background_(std::make_unique<WorkerMetrics>()), process_(std::make_shared<pm::Registry>()) {
  for (unsigned i = 0; i < workers; ++i) workers_.push_back(std::make_unique<WorkerMetrics>());
  pm::BuildGauge()
      .Name("smlapi_build_info")
      .Help("Build of the running service; the value is always 1.")
      .Register(*process_)
      .Add({{"version", build.version}, {"git_commit", build.git_commit}})
      .Set(1);
  redis_up_ = &pm::BuildGauge()
                   .Name("smlapi_redis_up")
                   .Help("1 when the shared Redis store answers, 0 otherwise.")
                   .Register(*process_)
                   .Add({});
  auto& connections = pm::BuildGauge()
                          .Name("smlapi_redis_connections")
                          .Help("The workers' Redis connections by link state.")
                          .Register(*process_);
  redis_links_.up = &connections.Add({{"state", "up"}});
  redis_links_.down = &connections.Add({{"state", "down"}});
  redis_links_.in_flight = &pm::BuildGauge()
                                .Name("smlapi_redis_in_flight_commands")
                                .Help("Redis commands sent or queued and not yet answered.")
                                .Register(*process_)
                                .Add({});
  redis_links_.pipelined = &pm::BuildGauge()
                                .Name("smlapi_redis_pipeline_depth")
                                .Help("Redis commands written and awaiting their reply.")
                                .Register(*process_)
                                .Add({});
  redis_links_.reconnects = &pm::BuildCounter()
                                 .Name("smlapi_redis_reconnects_total")
                                 .Help("Reconnections of the workers' Redis connections.")
                                 .Register(*process_)
                                 .Add({});
  login_counter_evictions_ = &pm::BuildCounter()
                                  .Name("smlapi_login_failure_table_evictions_total")
                                  .Help(
                                      "Failed-login counters dropped because the in-process "
                                      "failure table was full.")
                                  .Register(*process_)
                                  .Add({});
  auto& source_ok =
      pm::BuildGauge()
          .Name("smlapi_identity_source_ok")
          .Help(
              "1 when the users file / key directory / lexicon files last loaded, 0 while a "
              "failed reload keeps the previous one (degraded).")
          .Register(*process_);
  auto& reload_failures =
      pm::BuildCounter()
          .Name("smlapi_identity_reload_failures_total")
          .Help(
              "Reloads of the users file / key directory / lexicon files that found them "
              "missing, corrupt or untrusted.")
          .Register(*process_);
  auto& last_success =
      pm::BuildGauge()
          .Name("smlapi_identity_last_load_timestamp_seconds")
          .Help(
              "Unix time of the last successful load of the users file / lexicon files / "
              "key directory.")
          .Register(*process_);
  for (auto [series, label] : {std::pair{&users_source_, "users"}, std::pair{&keys_source_, "keys"},
                               std::pair{&lexicon_source_, "lexicon"}}) {
    series->ok = &source_ok.Add({{"source", label}});
    series->ok->Set(1);
    series->reload_failures = &reload_failures.Add({{"source", label}});
    series->last_success = &last_success.Add({{"source", label}});
  }
}

namespace {

bool same_labels(const pm::ClientMetric& a, const pm::ClientMetric& b) {
  if (a.label.size() != b.label.size()) return false;
  for (std::size_t i = 0; i < a.label.size(); ++i) {
    if (a.label[i].name != b.label[i].name || a.label[i].value != b.label[i].value) return false;
  }
  return true;
}

void add_into(pm::ClientMetric& into, const pm::ClientMetric& from) {
  into.counter.value += from.counter.value;
  into.gauge.value += from.gauge.value;
  into.histogram.sample_count += from.histogram.sample_count;
  into.histogram.sample_sum += from.histogram.sample_sum;
  for (std::size_t i = 0; i < into.histogram.bucket.size() && i < from.histogram.bucket.size();
       ++i) {
    into.histogram.bucket[i].cumulative_count += from.histogram.bucket[i].cumulative_count;
  }
}

void merge_family(pm::MetricFamily& into, const pm::MetricFamily& from) {
  for (const pm::ClientMetric& metric : from.metric) {
    bool merged = false;
    for (pm::ClientMetric& existing : into.metric) {
      if (same_labels(existing, metric)) {
        add_into(existing, metric);
        merged = true;
        break;
      }
    }
    if (!merged) into.metric.push_back(metric);
  }
}

// What the public port may not show (ServiceMetrics::Audience): the build's commit label, and
// the auth-failure breakdown by reason, summed into one series without it.
void redact_for_public(pm::MetricFamily& family) {
  if (family.name == "smlapi_build_info") {
    for (pm::ClientMetric& metric : family.metric) {
      std::erase_if(metric.label, [](const pm::ClientMetric::Label& label) {
        return label.name == "git_commit";
      });
    }
  } else if (family.name == "smlapi_auth_failures_total") {
    pm::ClientMetric total;
    for (const pm::ClientMetric& metric : family.metric)
      total.counter.value += metric.counter.value;
    family.metric.assign(1, total);
  }
}

}  // namespace

void ServiceMetrics::declare_models(std::span<const std::string_view> models) {
  for (std::string_view name : models) {
    for (auto& worker : workers_) worker->declare_model(name);
    background_->declare_model(name);
  }
}

std::string ServiceMetrics::scrape(Audience audience) const {
  std::map<std::string, pm::MetricFamily> merged;
  auto absorb = [&](const pm::Registry& registry) {
    for (pm::MetricFamily& family : registry.Collect()) {
      auto [it, inserted] = merged.try_emplace(family.name, family);
      if (!inserted) merge_family(it->second, family);
    }
  };
  absorb(*process_);
  for (const auto& worker : workers_) absorb(worker->registry());
  absorb(background_->registry());
  for (pm::MetricFamily& family : collect_process_metrics()) {
    merged.try_emplace(family.name, std::move(family));
  }
  std::vector<pm::MetricFamily> families;
  families.reserve(merged.size());
  for (auto& [name, family] : merged) {
    if (audience == Audience::public_port) redact_for_public(family);
    families.push_back(std::move(family));
  }
  return pm::TextSerializer().Serialize(families);
}

}  // namespace smlapi::api
