// The OpenAPI document and the Swagger UI, built into the binary (no CDN, no
// files to ship): see src/api/assets/README.md for where they come from.
#pragma once

#include "api/call.h"

#include <string_view>

namespace smlapi::api {

// The Swagger UI page runs only our own scripts and styles.
inline constexpr std::string_view kDocsContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'";

void answer_openapi(Call& call);
void answer_docs(Call& call);  // /docs, /docs/ and /docs/<asset>

}  // namespace smlapi::api
