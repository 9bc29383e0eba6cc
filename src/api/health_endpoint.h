// GET /healthz (liveness: the process answers) and GET /readyz (readiness).
#pragma once

#include "api/call.h"
#include "api/readiness.h"

namespace smlapi::api {

void answer_liveness(Call& call);
void answer_readiness(Call& call, const Readiness& readiness);
// The same answers for a listener without the API's pipeline (the admin port).
void answer_liveness(http::Response& response);
void answer_readiness(http::Response& response, const Readiness& readiness);

}  // namespace smlapi::api
