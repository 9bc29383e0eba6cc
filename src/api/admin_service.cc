#include "api/admin_service.h"

#include "api/errors.h"
#include "api/health_endpoint.h"

namespace smlapi::api {

namespace bhttp = boost::beast::http;

namespace {

enum class AdminRoute { metrics, healthz, readyz, none };

AdminRoute match(std::string_view path) {
  if (path == "/metrics") return AdminRoute::metrics;
  if (path == "/healthz") return AdminRoute::healthz;
  if (path == "/readyz") return AdminRoute::readyz;
  return AdminRoute::none;
}

}  // namespace

http::Outcome AdminService::handle(const http::Request& request, http::Response& response,
                                   http::RequestContext& /*context*/) {
  const AdminRoute route = match(request.path());
  if (route == AdminRoute::none) {
    set_error(response, ApiError::not_found, "Not Found");
    return http::Outcome::done;
  }
  if (request.method != bhttp::verb::get && request.method != bhttp::verb::head) {
    set_error(response, ApiError::method_not_allowed, "Method Not Allowed");
    response.add_header("Allow", "GET, HEAD");
    return http::Outcome::done;
  }
  switch (route) {
    case AdminRoute::metrics:
      response.content_type = "text/plain; version=0.0.4; charset=utf-8";
      response.body = metrics_.scrape(ServiceMetrics::Audience::admin);
      break;
    case AdminRoute::healthz:
      answer_liveness(response);
      break;
    case AdminRoute::readyz:
      answer_readiness(response, readiness_);
      break;
    case AdminRoute::none:
      break;
  }
  return http::Outcome::done;
}

void AdminService::refused(unsigned /*worker_index*/, http::RefusalKind kind,
                           const http::Request& /*request*/, http::Response& response) {
  switch (kind) {
    case http::RefusalKind::too_many_connections:
    case http::RefusalKind::too_many_client_connections:
    case http::RefusalKind::out_of_descriptors:
      return;  // the HTTP layer answers 503 and closes on its own
    case http::RefusalKind::header_too_large:
      return set_error(response, ApiError::header_too_large, "Request header fields too large");
    case http::RefusalKind::target_too_long:
      return set_error(response, ApiError::uri_too_long, "Request target too long");
    case http::RefusalKind::body_too_large:
      return set_error(response, ApiError::payload_too_large, "Request body too large");
    case http::RefusalKind::length_required:
      return set_error(response, ApiError::length_required, "Content-Length required");
    case http::RefusalKind::timeout:
      return set_error(response, ApiError::request_timeout, "Request not received in time");
    case http::RefusalKind::bad_request:
      break;
  }
  set_error(response, ApiError::bad_request, "Malformed HTTP request");
}

}  // namespace smlapi::api
