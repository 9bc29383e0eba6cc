// Serialises a Response into wire bytes with the security headers every answer
// carries (errors included). Writing by hand into one reused buffer instead of
// Beast's message/serializer keeps the hot path to one append and one send.
#pragma once

#include "http/response.h"

#include <string>
#include <string_view>

namespace smlapi::http {

struct ResponseContext {
  std::string_view request_id;
  bool keep_alive = true;
  bool head_request = false;  // HEAD: headers only
  bool tls = false;           // adds Strict-Transport-Security
};

// The default Content-Security-Policy of API answers: nothing may load or run.
inline constexpr std::string_view kApiContentSecurityPolicy =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

void write_response(const Response& response, const ResponseContext& context, std::string& out);

// A minimal complete answer for failures detected before routing (parse errors,
// timeouts, overload), written without a Response object.
void write_simple_error(unsigned status, std::string_view detail, std::string& out);

}  // namespace smlapi::http
