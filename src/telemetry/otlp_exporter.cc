#include "telemetry/otlp_exporter.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace smlapi::telemetry {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr std::size_t kMaxAnswerBytes = 64 * 1024;

// Worth another try: the collector is overloaded, restarting or unreachable for now.
bool retryable(unsigned status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}
}  // namespace

OtlpExporter::OtlpExporter(ExporterConfig config, std::shared_ptr<SpanQueue> queue)
    : config_(std::move(config)),
      queue_(std::move(queue)),
      port_text_(std::to_string(config_.endpoint.port)) {}

OtlpExporter::~OtlpExporter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OtlpExporter::start() {
  thread_ = std::thread([this] { run(); });
}

ExporterTotals OtlpExporter::totals() const {
  return {exported_.load(std::memory_order_relaxed), failed_spans_.load(std::memory_order_relaxed),
          failed_batches_.load(std::memory_order_relaxed),
          retries_.load(std::memory_order_relaxed)};
}

bool OtlpExporter::wait(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, duration, [this] { return stopping_; });
  return !stopping_;
}

void OtlpExporter::run() {
  std::vector<tracing::SpanRecord> batch;
  batch.reserve(config_.max_batch_spans);
  bool running = true;
  while (running) {
    running = wait(config_.poll_interval);
    // Everything queued now, batch by batch; on the way out, one last pass, in which a batch
    // the collector does not take at the first attempt ends the export (a dead collector must
    // not hold the shutdown for a timeout per batch).
    bool delivering = true;
    while (queue_->drain(batch, config_.max_batch_spans) > 0) {
      if (delivering) {
        delivering = export_batch(batch) || running;
      } else {
        failed_spans_.fetch_add(batch.size(), std::memory_order_relaxed);
      }
      batch.clear();
    }
  }
}

bool OtlpExporter::export_batch(const std::vector<tracing::SpanRecord>& batch) {
  std::string body;
  tracing::encode_otlp_json(config_.resource, batch, body);
  auto backoff = config_.first_backoff;
  for (unsigned attempt = 1;; ++attempt) {
    const Attempt outcome = post(body);
    if (outcome == Attempt::delivered) {
      exported_.fetch_add(batch.size(), std::memory_order_relaxed);
      return true;
    }
    if (outcome == Attempt::give_up || attempt >= config_.max_attempts || !wait(backoff)) break;
    retries_.fetch_add(1, std::memory_order_relaxed);
    backoff *= 2;
  }
  failed_batches_.fetch_add(1, std::memory_order_relaxed);
  failed_spans_.fetch_add(batch.size(), std::memory_order_relaxed);
  return false;
}

// One POST on a new connection, bounded by config_.timeout (the resolver by the io_context's
// run_for: a name lookup is not covered by the stream's deadline).
OtlpExporter::Attempt OtlpExporter::post(const std::string& body) const {
  asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  bhttp::request<bhttp::string_body> request{bhttp::verb::post, config_.endpoint.target, 11};
  request.set(bhttp::field::host, config_.endpoint.host_header);
  request.set(bhttp::field::content_type, "application/json");
  request.set(bhttp::field::user_agent, "secure-ml-api");
  for (const auto& [name, value] : config_.headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kMaxAnswerBytes);
  boost::system::error_code failure = asio::error::timed_out;
  unsigned status = 0;
  stream.expires_after(config_.timeout);
  resolver.async_resolve(
      config_.endpoint.host, port_text_,
      [&](boost::system::error_code resolved, const tcp::resolver::results_type& results) {
        if (resolved) return void(failure = resolved);
        stream.async_connect(
            results, [&](boost::system::error_code connected, const tcp::endpoint&) {
              if (connected) return void(failure = connected);
              bhttp::async_write(stream, request, [&](boost::system::error_code sent, std::size_t) {
                if (sent) return void(failure = sent);
                bhttp::async_read(stream, buffer, parser,
                                  [&](boost::system::error_code answered, std::size_t) {
                                    failure = answered;
                                    if (!answered) status = parser.get().result_int();
                                  });
              });
            });
      });
  io.run_for(config_.timeout + std::chrono::milliseconds(500));
  if (failure) return Attempt::retry;  // refused, reset, timed out: the collector may come back
  if (status >= 200 && status < 300) return Attempt::delivered;
  return retryable(status) ? Attempt::retry : Attempt::give_up;
}

}  // namespace smlapi::telemetry
