// GET /healthz (liveness: the process answers) and GET /readyz (readiness).
#pragma once

#include "api/call.h"
#include "api/readiness.h"

namespace smlapi::api {

void answer_liveness(Call& call);
void answer_readiness(Call& call, const Readiness& readiness);

}  // namespace smlapi::api
