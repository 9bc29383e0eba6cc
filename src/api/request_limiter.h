// The rate-limit decision as the API sees it; implemented over smlapi_ratelimit
// (memory or Redis store) by RateLimitGate.
#pragma once

#include "api/routes.h"
#include "http/response.h"

#include <string_view>

namespace smlapi::api {

struct WorkerState;

enum class LimitVerdict { allowed, limited, unavailable };

// Whom a check counts against: the client address before authentication (IPv6
// already reduced to its /64), the token subject after.
enum class LimitedBy { address, subject };

class RequestLimiter {
 public:
  virtual ~RequestLimiter() = default;
  // `identity` is the address or the subject, as `by` says. Adds the RateLimit
  // headers to `response` and, when limited, fills the 429 (or 503) answer.
  // Records its own metrics.
  virtual LimitVerdict check(Route route, LimitedBy by, std::string_view identity,
                             WorkerState& worker, http::Response& response) = 0;
};

}  // namespace smlapi::api
