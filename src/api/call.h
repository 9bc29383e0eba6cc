// Everything an endpoint needs to answer one request.
#pragma once

#include "api/request_state.h"
#include "api/routes.h"
#include "http/handler.h"
#include "http/request.h"
#include "http/response.h"

#include <string>
#include <string_view>
#include <vector>

namespace smlapi::api {

struct WorkerState;
class AnswerCompletion;

struct Call {
  const http::Request& request;
  http::Response& response;
  http::RequestContext& context;
  WorkerState& worker;
  RequestState& state;
  AnswerCompletion& completion;  // finishes a deferred answer (deferred_answer.h)
  ratelimit::TimePoint started;  // when the request reached the service
  Route route;
  const Principal* principal = nullptr;  // set on routes that require a token
  std::string_view model_name;           // OIP: model named in the path
  std::string_view model_version;        // OIP: requested version, empty for default
  std::string_view client_address;       // state.client_address
  bool deferred = false;                 // the endpoint will answer later (see deferred_answer.h)
};

}  // namespace smlapi::api
