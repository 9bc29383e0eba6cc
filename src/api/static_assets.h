// The OpenAPI document and the Swagger UI, built into the binary (no CDN, no
// files to ship): see src/api/assets/README.md for where they come from.
#pragma once

#include "api/call.h"

#include <string>
#include <string_view>

namespace smlapi::api {

// The Swagger UI page runs only our own scripts and styles.
inline constexpr std::string_view kDocsContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'";

// The OpenAPI document and the docs UI as served under a path prefix (FastAPI's root_path): an
// ingress that routes /sentiment/... to the service and strips the prefix still gets links,
// script URLs and the OpenAPI `servers` entry that carry it. Built once at start.
class DocsSite {
 public:
  // `root_path`: empty, or "/segment[/segment...]" (checked by valid_root_path).
  explicit DocsSite(std::string root_path = {});

  void answer_openapi(Call& call) const;
  void answer_docs(Call& call) const;  // /docs, /docs/ and /docs/<asset>

 private:
  std::string openapi_;
  std::string index_html_;
  std::string swagger_init_;
};

// Empty, or '/' followed by path segments of [A-Za-z0-9._~-] separated by single '/', no
// trailing '/', at most 128 bytes: what can be pasted into HTML, JavaScript and JSON unescaped.
bool valid_root_path(std::string_view root_path);

}  // namespace smlapi::api
