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

namespace {

// Every occurrence of `from` in `text` replaced by `to`.
std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
  std::string out;
  std::size_t at = 0;
  for (std::size_t found; (found = text.find(from, at)) != std::string_view::npos;
       at = found + from.size()) {
    out.append(text.substr(at, found - at)).append(to);
  }
  out.append(text.substr(at));
  return out;
}

bool path_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '~' || c == '-';
}

}  // namespace

bool valid_root_path(std::string_view root_path) {
  if (root_path.empty()) return true;
  if (root_path.size() > 128 || root_path.front() != '/' || root_path.back() == '/') return false;
  char previous = '\0';
  for (char c : root_path) {
    if (c == '/' ? previous == '/' : !path_character(c)) return false;
    previous = c;
  }
  // "." and ".." segments would let a link climb out of the prefix.
  return root_path.find("/./") == std::string_view::npos &&
         root_path.find("/../") == std::string_view::npos && !root_path.ends_with("/.") &&
         !root_path.ends_with("/..");
}

// The embedded files name absolute paths ("/docs/...", "/openapi.json", servers "/"): the
// prefix goes in front of each. With no prefix the files are served as embedded.
DocsSite::DocsSite(std::string root_path)
    : openapi_(assets::embedded_file("openapi.json")),
      index_html_(assets::embedded_file("docs/index.html")),
      swagger_init_(assets::embedded_file("docs/swagger-init.js")) {
  if (root_path.empty()) return;
  openapi_ = replaced(openapi_, "\"url\": \"/\",", "\"url\": \"" + root_path + "\",");
  index_html_ = replaced(index_html_, "\"/docs/", "\"" + root_path + "/docs/");
  swagger_init_ = replaced(swagger_init_, "'/openapi.json'", "'" + root_path + "/openapi.json'");
}

void DocsSite::answer_openapi(Call& call) const {
  if (openapi_.empty()) {
    set_error(call.response, ApiError::not_found, "OpenAPI document not built in");
    return;
  }
  call.response.body.assign(openapi_);
}

void DocsSite::answer_docs(Call& call) const {
  std::string_view path = call.request.path();
  for (const DocsAsset& asset : kDocsAssets) {
    if (asset.path != path) continue;
    std::string_view data = asset.file == "docs/index.html" ? index_html_
                            : asset.file == "docs/swagger-init.js"
                                ? swagger_init_
                                : assets::embedded_file(asset.file);
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
