// The rate-limit decision as the API sees it; implemented over smlapi_ratelimit
// (memory or Redis store) by RateLimitGate.
#pragma once

#include "api/routes.h"
#include "http/response.h"

#include <string_view>

namespace smlapi::api {

struct WorkerState;

enum class LimitVerdict { allowed, limited, unavailable };

class RequestLimiter {
 public:
  virtual ~RequestLimiter() = default;
  // `key` identifies the caller: "ip:<address>" before authentication,
  // "sub:<subject>" after. Adds the RateLimit headers to `response` and, when
  // limited, fills the 429 (or 503) answer. Records its own metrics.
  virtual LimitVerdict check(Route route, std::string_view key, WorkerState& worker,
                             http::Response& response) = 0;
};

}  // namespace smlapi::api
