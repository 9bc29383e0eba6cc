#include "echo_server.h"

#include <boost/asio/ssl/context.hpp>

#include <string>

namespace smlapi::http::testing {

using namespace std::chrono_literals;

unsigned status_for(RefusalKind kind) {
  switch (kind) {
    case RefusalKind::bad_request:
      return 400;
    case RefusalKind::header_too_large:
      return 431;
    case RefusalKind::target_too_long:
      return 414;
    case RefusalKind::body_too_large:
      return 413;
    case RefusalKind::length_required:
      return 411;
    case RefusalKind::timeout:
      return 408;
    case RefusalKind::too_many_connections:
    case RefusalKind::too_many_client_connections:
    case RefusalKind::out_of_descriptors:
      return 503;
  }
  return 500;
}

EchoHandler::~EchoHandler() {
  std::lock_guard lock(mutex_);
  for (auto& thread : deferrals_) thread.join();
}

Outcome EchoHandler::handle(const Request& request, Response& response, RequestContext& context) {
  ++handled;
  std::string echo = request.method_text + " " + request.target + " " + request.body;
  if (request.path() == "/defer") {
    DeferredReply reply = context.defer();
    std::lock_guard lock(mutex_);
    deferrals_.emplace_back([reply, echo] {
      Response later;
      later.body = "deferred " + echo;
      reply.send(std::move(later));
    });
    return Outcome::deferred;
  }
  response.body = std::move(echo);
  response.content_type = "text/plain";
  return Outcome::done;
}

void EchoHandler::refused(unsigned, RefusalKind kind, const Request&, Response& response) {
  ++refusals[static_cast<std::size_t>(kind)];
  response.status = status_for(kind);
  response.body = "{\"detail\":\"refused\"}";
}

ServerLimits short_limits() {
  ServerLimits limits;
  limits.max_header_bytes = 1024;
  limits.max_header_fields = 20;
  limits.max_target_bytes = 256;
  limits.max_body_bytes = 64;
  limits.header_timeout = 60s;
  limits.body_timeout = 60s;
  limits.idle_timeout = 60s;
  limits.write_timeout = 60s;
  limits.max_requests_per_connection = 100;
  limits.max_connections = 100;
  return limits;
}

ServerLimits timeout_limits() {
  ServerLimits limits = short_limits();
  limits.header_timeout = 300ms;
  limits.body_timeout = 300ms;
  limits.idle_timeout = 300ms;
  return limits;
}

std::unique_ptr<Server> start_server(Handler& handler, const ServerLimits& limits,
                                     std::shared_ptr<boost::asio::ssl::context> tls) {
  ServerConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.threads = 1;
  config.limits = limits;
  config.tls = std::move(tls);
  auto server = std::make_unique<Server>(config, handler);
  server->start();
  return server;
}

}  // namespace smlapi::http::testing
