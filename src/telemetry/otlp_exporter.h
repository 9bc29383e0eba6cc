// The exporter thread: every poll interval (sooner when a worker's ring is half full) it drains
// the span queue in batches of whole requests, encoding each (OTLP/protobuf, or OTLP/JSON) straight
// from the queue into a reused buffer, and POSTs it to the collector (Boost.Beast, a deadline on
// every attempt) over one kept-alive connection, opened again when the collector closed it or it
// failed. While a POST waits for the collector's answer, the queue goes on being drained into the
// next batch, in a second buffer: a worker's ring holds only milliseconds of full-speed traffic,
// and a busy collector's answer can take tens of them (bench/tracing: 1 POST in 100 took over 40
// ms with the sink on the same two cores, and the rings, unattended meanwhile, dropped 39 % of
// the spans). A batch the collector cannot take now (connection refused or reset, timeout, 429,
// 502, 503, 504) is tried again after a back-off, a bounded number of times, then given up and
// counted. The workers never wait for any of this: while the exporter is slow the queue fills, and
// then spans are dropped and counted (SpanQueue::dropped()).
#pragma once

#include "telemetry/span_queue.h"
#include "tracing/otlp_endpoint.h"
#include "tracing/otlp_headers.h"
#include "tracing/otlp_json.h"
#include "tracing/otlp_protobuf.h"

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace smlapi::telemetry {

struct ExporterConfig {
  tracing::OtlpEndpoint endpoint;
  tracing::HeaderList headers;  // secrets: never logged
  tracing::Resource resource;
  tracing::OtlpEncoding encoding = tracing::OtlpEncoding::protobuf;
  std::chrono::milliseconds timeout{2'000};  // one attempt: connect, send, answer
  // How long spans may wait for a batch when traffic is light (OpenTelemetry's batch span
  // processor waits 5 s by default): a POST costs about as much as encoding a hundred spans,
  // so batches should be large. Under load, a half-full ring starts a batch sooner.
  std::chrono::milliseconds poll_interval{1'000};
  std::chrono::milliseconds first_backoff{100};  // doubled on each retry
  unsigned max_attempts = 3;
  std::size_t max_batch_requests = 1024;  // about 3,000 spans and 300 KiB for /predict
};

// What the exporter did, for the metrics (read by the wiring once a second).
struct ExporterTotals {
  std::uint64_t exported_spans = 0;  // accepted by the collector (2xx)
  std::uint64_t failed_spans = 0;    // in batches given up
  std::uint64_t failed_batches = 0;
  std::uint64_t retries = 0;
};

class CollectorConnection;

class OtlpExporter {
 public:
  OtlpExporter(ExporterConfig config, std::shared_ptr<SpanQueue> queue);
  ~OtlpExporter();  // stops, after one last attempt at what is queued
  void start();
  ExporterTotals totals() const;

 private:
  enum class Attempt : std::uint8_t { delivered, retry, give_up };
  void run();
  template <class Batch>
  void run_with();
  // body_ holds the batch; false: given up. While it waits for the collector, top_up_ runs.
  bool export_batch(std::size_t spans);
  Attempt post();
  Attempt post_once(bool& reused);
  bool wait(std::chrono::milliseconds duration);  // false once stopping

  ExporterConfig config_;
  std::shared_ptr<SpanQueue> queue_;
  std::string port_text_;
  std::string head_prefix_;  // the POST's head up to the Content-Length value
  std::string head_;         // the head being sent (reused)
  // The batch being sent and the next one being filled (reused, each only grows).
  std::array<std::string, 2> buffers_;
  std::string_view body_;  // the batch being sent: a part of one of buffers_
  // Drains the queue into the next batch, up to a full one (set while run_with runs).
  std::function<void()> top_up_;
  std::unique_ptr<CollectorConnection> connection_;  // null: none open
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> exported_{0};
  std::atomic<std::uint64_t> failed_spans_{0};
  std::atomic<std::uint64_t> failed_batches_{0};
  std::atomic<std::uint64_t> retries_{0};
  std::thread thread_;
};

}  // namespace smlapi::telemetry
