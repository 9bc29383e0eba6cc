// What the admin listener (--admin-port) answers: /metrics, in full, and the probes. Nothing a
// client of the API needs is here and nothing of the API is reachable through it (no /token,
// /predict, OIP or docs), so it can sit on a cluster-internal port that only Prometheus and
// the kubelet reach (docs/operations.md, "Admin port"). Its requests run on the admin
// server's own worker, apart from the API's, and are not counted in the API's metrics.
#pragma once

#include "api/readiness.h"
#include "api/service_metrics.h"
#include "http/handler.h"

namespace smlapi::api {

class AdminService final : public http::Handler {
 public:
  AdminService(const ServiceMetrics& metrics, const Readiness& readiness)
      : metrics_(metrics), readiness_(readiness) {}

  http::Outcome handle(const http::Request& request, http::Response& response,
                       http::RequestContext& context) override;
  void refused(unsigned worker_index, http::RefusalKind kind, const http::Request& request,
               http::Response& response) override;
  void tick(unsigned /*worker_index*/) override {}
  void connection_opened(unsigned /*worker_index*/) override {}
  void connection_closed(unsigned /*worker_index*/) override {}

 private:
  const ServiceMetrics& metrics_;
  const Readiness& readiness_;
};

}  // namespace smlapi::api
