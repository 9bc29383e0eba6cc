// Everything an endpoint needs to answer one request.
#pragma once

#include "api/routes.h"
#include "http/handler.h"
#include "http/request.h"
#include "http/response.h"

#include <string>
#include <string_view>
#include <vector>

namespace smlapi::api {

struct WorkerState;

// Who is calling, once a bearer token has been verified.
struct Principal {
  std::string subject;
  std::string client_id;
  std::string jti;
  std::vector<std::string> scopes;
  std::int64_t expires_at = 0;
  bool has_scope(std::string_view scope) const {
    for (const auto& s : scopes) {
      if (s == scope) return true;
    }
    return false;
  }
};

struct Call {
  const http::Request& request;
  http::Response& response;
  http::RequestContext& context;
  WorkerState& worker;
  Route route;
  const Principal* principal = nullptr;  // set on routes that require a token
  std::string_view model_name;           // OIP: model named in the path
  std::string_view model_version;        // OIP: requested version, empty for default
  std::string_view client_address;       // after trusted-proxy resolution
  bool deferred = false;  // the endpoint will answer later (see ApiService::complete)
};

}  // namespace smlapi::api
