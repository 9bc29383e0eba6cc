#include "api/static_assets.h"

#include "api/errors.h"

namespace smlapi::api::assets {
std::string_view embedded_file(std::string_view name);  // generated, see CMakeLists.txt
}

namespace smlapi::api {

namespace {

struct DocsAsset {
  std::string_view path;
  std::string_view file;
  std::string_view content_type;
};

constexpr DocsAsset kDocsAssets[] = {
    {"/docs", "docs/index.html", "text/html; charset=utf-8"},
    {"/docs/", "docs/index.html", "text/html; charset=utf-8"},
    {"/docs/index.html", "docs/index.html", "text/html; charset=utf-8"},
    {"/docs/swagger-init.js", "docs/swagger-init.js", "text/javascript; charset=utf-8"},
    {"/docs/swagger-ui-bundle.js", "docs/swagger-ui-bundle.js", "text/javascript; charset=utf-8"},
    {"/docs/swagger-ui.css", "docs/swagger-ui.css", "text/css; charset=utf-8"},
};

}  // namespace

void answer_openapi(Call& call) {
  std::string_view document = assets::embedded_file("openapi.json");
  if (document.empty()) {
    set_error(call.response, ApiError::not_found, "OpenAPI document not built in");
    return;
  }
  call.response.body.assign(document);
}

void answer_docs(Call& call) {
  std::string_view path = call.request.path();
  for (const DocsAsset& asset : kDocsAssets) {
    if (asset.path != path) continue;
    std::string_view data = assets::embedded_file(asset.file);
    if (data.empty()) break;
    call.response.content_type = asset.content_type;
    call.response.content_security_policy = kDocsContentSecurityPolicy;
    call.response.cacheable = asset.file != "docs/index.html";
    call.response.body.assign(data);
    return;
  }
  set_error(call.response, ApiError::not_found, "Not Found");
}

}  // namespace smlapi::api
