// An answer an endpoint finishes later, on another thread (POST /token: Argon2id runs on a pool
// of its own, never on an event loop). It carries what the access log and the metrics need of
// the request and hands the finished answer to the service's completion step (request id and
// CORS headers, metrics, access log) through a small interface, so endpoints need not know the
// ApiService that called them.
#pragma once

#include "api/call.h"
#include "api/routes.h"
#include "http/handler.h"
#include "http/response.h"
#include "ratelimit/time.h"
#include "tracing/request_trace.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace smlapi::api {

class WorkerMetrics;

// A snapshot of what the access log and metrics need, for answers completed later.
struct RequestRecord {
  Route route;
  MethodLabel method;
  std::string request_id;
  std::string client;
  std::string user;
  std::string origin;
  std::size_t bytes_in;
  ratelimit::TimePoint started;
  std::string path;  // the server span's url.path
  tracing::RequestTrace
      trace;  // the hashing pool adds its span; the server span ends on completion
};

// Implemented by ApiService; callable from any thread.
class AnswerCompletion {
 public:
  virtual ~AnswerCompletion() = default;
  virtual void complete(const RequestRecord& record, http::Response& response) = 0;
  // Runs `record` on the metrics of work done off the workers, one caller at a time.
  virtual void count(const std::function<void(WorkerMetrics&)>& record) = 0;
};

class DeferredAnswer {
 public:
  // Takes over `call`'s answer (call.deferred is set; the handler must return at once): the
  // headers already on call.response (e.g. RateLimit) are carried to the final answer, which
  // the access log attributes to `user`.
  DeferredAnswer(Call& call, std::string user);

  const RequestRecord& record() const { return record_; }
  tracing::RequestTrace& trace() { return record_.trace; }
  void count(const std::function<void(WorkerMetrics&)>& record) { completion_->count(record); }
  // Completes and sends the answer; once only.
  void send(http::Response response);

 private:
  RequestRecord record_;
  // Header names are static strings (http::Header keeps a view); values are copied.
  std::vector<std::pair<std::string_view, std::string>> carried_headers_;
  AnswerCompletion* completion_;
  http::DeferredReply reply_;
};

}  // namespace smlapi::api
