#include "api/deferred_answer.h"

#include "api/worker_state.h"

namespace smlapi::api {

DeferredAnswer::DeferredAnswer(Call& call, std::string user)
    : record_{call.route,
              method_label(call.request.method),
              call.state.request_id,
              std::string(call.client_address),
              std::move(user),
              call.request.origin,
              call.request.body.size(),
              call.started,
              std::string(call.request.path()),
              call.state.trace},
      completion_(&call.completion),
      reply_(call.context.defer()) {
  for (const http::Header& header : call.response.headers()) {
    carried_headers_.emplace_back(header.name, header.value);
  }
  call.deferred = true;
}

void DeferredAnswer::send(http::Response response) {
  for (const auto& [name, value] : carried_headers_) response.add_header(name, value);
  completion_->complete(record_, response);
  reply_.send(std::move(response));
}

}  // namespace smlapi::api
