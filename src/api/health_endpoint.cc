#include "api/health_endpoint.h"

#include <utility>

namespace smlapi::api {

namespace {

// ,"degraded":["users_file",...] when an identity source serves its last good state.
void append_degraded(std::string& out, const Readiness& readiness) {
  static constexpr std::pair<DegradedSource, const char*> kNames[] = {
      {DegradedSource::users_file, "users_file"},
      {DegradedSource::keys_dir, "keys_dir"},
      {DegradedSource::lexicon, "lexicon"}};
  bool any = false;
  for (const auto& [source, name] : kNames) {
    if (!readiness.degraded(source)) continue;
    out.append(any ? ",\"" : ",\"degraded\":[\"").append(name).push_back('"');
    any = true;
  }
  if (any) out.push_back(']');
}

}  // namespace

void answer_liveness(Call& call) { answer_liveness(call.response); }

void answer_readiness(Call& call, const Readiness& readiness) {
  answer_readiness(call.response, readiness);
}

void answer_liveness(http::Response& response) { response.body.assign("{\"status\":\"ok\"}"); }

void answer_readiness(http::Response& response, const Readiness& readiness) {
  std::string& out = response.body;
  if (readiness.ready()) {
    out.assign("{\"status\":\"ready\"");
    append_degraded(out, readiness);
    out.push_back('}');
    return;
  }
  response.status = 503;
  response.add_header("Retry-After", "1");
  out.assign("{\"status\":\"");
  out.append(readiness.draining() ? "draining" : "not_ready");
  out.append("\",\"checks\":{\"model\":");
  out.append(readiness.model_loaded() ? "true" : "false");
  out.append(",\"store\":");
  out.append(readiness.store_ok() ? "true" : "false");
  out.append(",\"draining\":");
  out.append(readiness.draining() ? "true" : "false");
  out.push_back('}');
  append_degraded(out, readiness);
  out.push_back('}');
}

}  // namespace smlapi::api
