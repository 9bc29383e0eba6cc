#include "telemetry/otlp_exporter.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <pthread.h>

#include <array>

namespace smlapi::telemetry {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr std::size_t kMaxAnswerBytes = 64 * 1024;
constexpr std::size_t kEncodedBytesPerRequest = 1024;
// Beyond the stream's deadline: what run_for waits for the handlers the deadline completes.
constexpr std::chrono::milliseconds kRunSlack{500};

// Worth another try: the collector is overloaded, restarting or unreachable for now.
bool retryable(unsigned status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

// A POST's head up to its Content-Length value. Written here rather than by Beast's serializer
// because it never changes: the endpoint's target and host and the configured headers were
// checked when they were read (tokens, no control characters).
std::string request_head_prefix(const ExporterConfig& config) {
  std::string head = "POST " + config.endpoint.target +
                     " HTTP/1.1\r\nHost: " + config.endpoint.host_header + "\r\nContent-Type: " +
                     (config.encoding == tracing::OtlpEncoding::protobuf ? "application/x-protobuf"
                                                                         : "application/json") +
                     "\r\nUser-Agent: secure-ml-api\r\n";
  for (const auto& [name, value] : config.headers) head += name + ": " + value + "\r\n";
  return head + "Content-Length: ";
}
}  // namespace

// One open connection to the collector with its own io_context: dropped whole on any failure,
// so nothing pending on it can outlive the attempt that started it.
class CollectorConnection {
 public:
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
};

OtlpExporter::OtlpExporter(ExporterConfig config, std::shared_ptr<SpanQueue> queue)
    : config_(std::move(config)),
      queue_(std::move(queue)),
      port_text_(std::to_string(config_.endpoint.port)),
      head_prefix_(request_head_prefix(config_)) {
  // Room for a full batch from the start (a /predict request takes about 0.5 KiB encoded): the
  // buffer is not grown, copied and zero-filled while the first batches are written.
  buffer_.resize(config_.max_batch_requests * kEncodedBytesPerRequest);
}

OtlpExporter::~OtlpExporter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  queue_->wake();
  if (thread_.joinable()) thread_.join();
}

void OtlpExporter::start() {
  thread_ = std::thread([this] { run(); });
  // Named for per-thread CPU accounting (top -H, /proc/<pid>/task/*/comm, bench/tracing).
  pthread_setname_np(thread_.native_handle(), "otlp-export");
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
  bool running = true;
  while (running) {
    (void)queue_->wait_for_spans(config_.poll_interval);
    {
      std::lock_guard lock(mutex_);
      running = !stopping_;
    }
    // What is queued now, batch by batch; on the way out, one last pass, in which a batch
    // the collector does not take at the first attempt ends the export (a dead collector must
    // not hold the shutdown for a timeout per batch).
    bool delivering = true;
    for (;;) {
      std::size_t spans = 0;
      const std::size_t requests = config_.encoding == tracing::OtlpEncoding::protobuf
                                       ? encode_batch<tracing::OtlpProtobufBatch>(spans)
                                       : encode_batch<tracing::OtlpJsonBatch>(spans);
      if (requests == 0) break;
      if (delivering) {
        delivering = export_batch(spans) || running;
      } else {
        failed_spans_.fetch_add(spans, std::memory_order_relaxed);
      }
      // Caught up: what arrived while this batch was sent waits for the next poll, so batches
      // stay large (one POST per poll interval, or per full batch) rather than one per few spans.
      if (running && requests < config_.max_batch_requests) break;
    }
  }
  connection_.reset();
}

template <class Batch>
std::size_t OtlpExporter::encode_batch(std::size_t& spans) {
  Batch batch(config_.resource, buffer_);
  const std::size_t requests =
      queue_->drain(config_.max_batch_requests,
                    [&batch](const tracing::RequestSpans& request) { batch.add(request); });
  if (requests > 0) body_ = batch.finish();
  spans = batch.spans();
  return requests;
}

bool OtlpExporter::export_batch(std::size_t spans) {
  auto backoff = config_.first_backoff;
  for (unsigned attempt = 1;; ++attempt) {
    const Attempt outcome = post();
    if (outcome == Attempt::delivered) {
      exported_.fetch_add(spans, std::memory_order_relaxed);
      return true;
    }
    if (outcome == Attempt::give_up || attempt >= config_.max_attempts || !wait(backoff)) break;
    retries_.fetch_add(1, std::memory_order_relaxed);
    backoff *= 2;
  }
  failed_batches_.fetch_add(1, std::memory_order_relaxed);
  failed_spans_.fetch_add(spans, std::memory_order_relaxed);
  return false;
}

OtlpExporter::Attempt OtlpExporter::post() {
  bool stale = false;
  const Attempt outcome = post_once(stale);
  // A kept-alive connection the collector closed while idle fails at once (reset, end of
  // stream): the same attempt goes on a new connection. A timeout is not retried here.
  if (outcome == Attempt::retry && stale) return post_once(stale);
  return outcome;
}

// One POST, on the open connection or a new one, bounded by config_.timeout from start to answer
// (the resolver by the io_context's run_for: a name lookup is not covered by the stream's
// deadline). `stale` is set when a reused connection failed otherwise than by the deadline.
OtlpExporter::Attempt OtlpExporter::post_once(bool& stale) {
  stale = false;
  const auto deadline = std::chrono::steady_clock::now() + config_.timeout;
  boost::system::error_code failure = asio::error::timed_out;
  const bool reused = connection_ != nullptr;
  if (!reused) {
    auto fresh = std::make_unique<CollectorConnection>();
    tcp::resolver resolver(fresh->io);
    fresh->stream.expires_at(deadline);
    resolver.async_resolve(
        config_.endpoint.host, port_text_,
        [&](boost::system::error_code resolved, const tcp::resolver::results_type& results) {
          if (resolved) return void(failure = resolved);
          fresh->stream.async_connect(results, [&](boost::system::error_code connected,
                                                   const tcp::endpoint&) { failure = connected; });
        });
    fresh->io.run_for(config_.timeout + kRunSlack);
    if (failure) return Attempt::retry;  // refused, timed out: the collector may come back
    connection_ = std::move(fresh);
  }
  CollectorConnection& connection = *connection_;
  // The head is the same for every batch but its Content-Length; the body is sent from where
  // the batch was encoded: one gathered write, no copy.
  head_.assign(head_prefix_).append(std::to_string(body_.size())).append("\r\n\r\n");
  const std::array<asio::const_buffer, 2> request{asio::buffer(head_), asio::buffer(body_)};
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kMaxAnswerBytes);
  failure = asio::error::timed_out;
  unsigned status = 0;
  bool keep_alive = false;
  connection.stream.expires_at(deadline);
  asio::async_write(connection.stream, request, [&](boost::system::error_code sent, std::size_t) {
    if (sent) return void(failure = sent);
    bhttp::async_read(connection.stream, connection.buffer, parser,
                      [&](boost::system::error_code answered, std::size_t) {
                        failure = answered;
                        if (answered) return;
                        status = parser.get().result_int();
                        keep_alive = parser.get().keep_alive();
                      });
  });
  connection.io.restart();
  connection.io.run_until(deadline + kRunSlack);
  if (failure) {
    stale = reused && failure != asio::error::timed_out && failure != beast::error::timeout;
    connection_.reset();
    return Attempt::retry;  // reset, timed out: the collector may come back
  }
  if (!keep_alive) connection_.reset();
  if (status >= 200 && status < 300) return Attempt::delivered;
  return retryable(status) ? Attempt::retry : Attempt::give_up;
}

}  // namespace smlapi::telemetry
