#include "api/health_endpoint.h"

namespace smlapi::api {

void answer_liveness(Call& call) { call.response.body.assign("{\"status\":\"ok\"}"); }

void answer_readiness(Call& call, const Readiness& readiness) {
  std::string& out = call.response.body;
  if (readiness.ready()) {
    out.assign("{\"status\":\"ready\"}");
    return;
  }
  call.response.status = 503;
  call.response.add_header("Retry-After", "1");
  out.assign("{\"status\":\"");
  out.append(readiness.draining() ? "draining" : "not_ready");
  out.append("\",\"checks\":{\"model\":");
  out.append(readiness.model_loaded() ? "true" : "false");
  out.append(",\"store\":");
  out.append(readiness.store_ok() ? "true" : "false");
  out.append(",\"draining\":");
  out.append(readiness.draining() ? "true" : "false");
  out.append("}}");
}

}  // namespace smlapi::api
