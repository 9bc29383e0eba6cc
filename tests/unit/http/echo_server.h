// What the in-process server tests (plain and TLS) share: a Handler that echoes
// the request and counts what the server reports to it, short protocol limits,
// and a one-worker Server on 127.0.0.1.
#pragma once

#include "http/handler.h"
#include "http/limits.h"
#include "http/server.h"

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace smlapi::http::testing {

// The status the test handler gives each refusal (as the real API does).
unsigned status_for(RefusalKind kind);

// Echoes "<METHOD> <target> <body>"; "/defer" answers from another thread.
class EchoHandler final : public Handler {
 public:
  ~EchoHandler() override;

  Outcome handle(const Request& request, Response& response, RequestContext& context) override;
  void refused(unsigned, RefusalKind kind, const Request&, Response& response) override;
  void tick(unsigned) override {}
  void connection_opened(unsigned) override { ++opened; }
  void connection_closed(unsigned) override { ++closed; }
  void tls_handshake_failed(unsigned, TlsHandshakeFailure why) override {
    ++handshake_failures[static_cast<std::size_t>(why)];
  }
  int failures(TlsHandshakeFailure why) const {
    return handshake_failures[static_cast<std::size_t>(why)].load();
  }

  std::atomic<int> handled{0};
  std::atomic<int> opened{0};
  std::atomic<int> closed{0};
  std::array<std::atomic<int>, 9> refusals{};
  std::array<std::atomic<int>, 3> handshake_failures{};

 private:
  std::mutex mutex_;
  std::vector<std::thread> deferrals_;
};

// How long a test waits for the server (answers, closes, shutdown, counters) before it fails.
// Not a speed bound: the server answers in milliseconds and the timeouts tests wait for are
// 300 ms, so only a hang reaches it, and the hang then fails a test instead of stalling the
// run. No test asserts on elapsed time.
inline constexpr std::chrono::milliseconds kHangGuard{10'000};

// Small size limits and timeouts no test reaches unless it waits for them (60 s): under a
// loaded sanitizer run a keep-alive or partly sent request must not be cut off by a timeout.
ServerLimits short_limits();

// short_limits() with 300 ms header, body and idle timeouts, for the tests of those timeouts
// (they wait for the server's answer without bounding how long it takes).
ServerLimits timeout_limits();

// A started one-worker server on 127.0.0.1 and a kernel-chosen port; TLS when
// `tls` is set.
std::unique_ptr<Server> start_server(Handler& handler, const ServerLimits& limits,
                                     std::shared_ptr<boost::asio::ssl::context> tls = {});

}  // namespace smlapi::http::testing
