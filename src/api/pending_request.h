// A request whose admission waits for an asynchronous store (ratelimit::AdmissionStore::
// run_async): its own RequestState — the worker answers other requests meanwhile — its own
// answer, and the deferred reply that sends it. The worker's event loop resumes it when the
// store's results arrive, on the same thread, so nothing here needs a lock.
//
// Reused from a per-worker pool. It stays taken while anyone holds it — the handler that
// started the request, and each store step under way — so a store that answers at once
// (before run_async returns) and one that answers later release it alike.
#pragma once

#include "api/request_state.h"
#include "api/routes.h"
#include "http/handler.h"
#include "http/request.h"
#include "http/response.h"
#include "ratelimit/admission_store.h"

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace smlapi::api {

struct PendingRequest;

// Who resumes a pending request when its store step is answered (ApiService).
class AdmissionContinuation {
 public:
  virtual void continue_admission(PendingRequest& pending,
                                  const ratelimit::AdmissionResults& results) = 0;

 protected:
  ~AdmissionContinuation() = default;
};

struct PendingRequest final : ratelimit::AdmissionWaiter {
  RequestState state;
  http::Response response;                   // the answer, once the request waited
  std::optional<http::DeferredReply> reply;  // set at the first wait
  const http::Request* request = nullptr;    // the connection keeps it until the reply is sent
  http::RequestContext* context = nullptr;
  unsigned worker = 0;
  Route route = Route::not_found;
  std::string_view model_name;
  std::string_view model_version;
  ratelimit::TimePoint started{};
  ratelimit::TimePoint asked{};  // when the store step under way was sent
  AdmissionContinuation* continuation = nullptr;
  unsigned holds = 0;
  // Admitted on its head alone (Expect: 100-continue): the verdict answers the 100 or refuses;
  // the endpoint runs when the body has come, in a handle() of its own.
  bool before_body = false;

  const ratelimit::AdmissionQuery& admission_query() const override {
    return state.admission.query;
  }
  void admission_done(const ratelimit::AdmissionResults& results) override {
    continuation->continue_admission(*this, results);
  }
};

// One worker's pending requests: allocated once, reused.
class PendingPool {
 public:
  PendingRequest& take(AdmissionContinuation& continuation, unsigned worker) {
    if (free_.empty()) {
      all_.push_back(std::make_unique<PendingRequest>());
      free_.push_back(all_.back().get());
    }
    PendingRequest& pending = *free_.back();
    free_.pop_back();
    pending.continuation = &continuation;
    pending.worker = worker;
    pending.holds = 1;
    return pending;
  }
  void hold(PendingRequest& pending) { ++pending.holds; }
  // Back to the pool when nobody holds it any more.
  void drop(PendingRequest& pending) {
    if (--pending.holds != 0) return;
    pending.reply.reset();
    pending.response.clear();
    pending.request = nullptr;
    pending.context = nullptr;
    free_.push_back(&pending);
  }

 private:
  std::vector<std::unique_ptr<PendingRequest>> all_;
  std::vector<PendingRequest*> free_;
};

}  // namespace smlapi::api
