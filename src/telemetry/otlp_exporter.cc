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
#include <optional>

namespace smlapi::telemetry {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr std::size_t kMaxAnswerBytes = 64 * 1024;
// Room made in each buffer at the start: a batch of /predict requests (about 0.3 KiB each
// encoded) and more (they grow when a batch needs more).
constexpr std::size_t kFirstBufferBytes = 1024 * 1024;
// Beyond the stream's deadline: what run_for waits for the handlers the deadline completes.
constexpr std::chrono::milliseconds kRunSlack{500};
// While a POST waits for its answer, the queue is drained this often (a ring holds ~10 ms of a
// worker's traffic at full speed).
constexpr std::chrono::milliseconds kTopUpInterval{2};

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
  // Room for a usual batch from the start: the buffers are not grown, copied and zero-filled
  // while the first batches are written.
  for (std::string& buffer : buffers_) buffer.resize(kFirstBufferBytes);
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
  if (config_.encoding == tracing::OtlpEncoding::protobuf) {
    run_with<tracing::OtlpProtobufBatch>();
  } else {
    run_with<tracing::OtlpJsonBatch>();
  }
  connection_.reset();
}

template <class Batch>
void OtlpExporter::run_with() {
  std::size_t filling = 0;    // the index in buffers_ of the next batch's buffer
  std::optional<Batch> next;  // the next batch, while it has requests
  std::size_t next_requests = 0;
  top_up_ = [&] {
    if (next_requests >= config_.max_batch_requests) return;
    if (!next) next.emplace(config_.resource, buffers_[filling]);
    next_requests +=
        queue_->drain(config_.max_batch_requests - next_requests,
                      [&](const tracing::RequestSpans& request) { next->add(request); });
  };
  bool running = true;
  bool delivering = true;
  for (;;) {
    top_up_();
    // Caught up (a top-up leaves the batch short only when the queue is empty): wait for the
    // poll interval or a half-full ring, so batches stay large (one POST per poll interval
    // under light load). With more than a batch queued, the next POST goes at once.
    if (running && next_requests < config_.max_batch_requests) {
      (void)queue_->wait_for_spans(config_.poll_interval);
      {
        std::lock_guard lock(mutex_);
        running = !stopping_;
      }
      top_up_();
    }
    if (next_requests == 0) {
      if (!running) break;  // on the way out, once everything queued is sent
      continue;
    }
    const std::size_t spans = next->spans();
    body_ = next->finish();
    next.reset();
    next_requests = 0;
    filling ^= 1u;  // the batch after it is written into the other buffer while it is sent
    // On the way out, a batch the collector does not take at the first attempt ends the export
    // (a dead collector must not hold the shutdown for a timeout per batch).
    if (delivering) {
      delivering = export_batch(spans) || running;
    } else {
      failed_spans_.fetch_add(spans, std::memory_order_relaxed);
    }
  }
  top_up_ = nullptr;
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
  bool ended = false;  // the write failed or the answer (or its failure) is in
  connection.stream.expires_at(deadline);
  asio::async_write(connection.stream, request, [&](boost::system::error_code sent, std::size_t) {
    if (sent) {
      failure = sent;
      ended = true;
      return;
    }
    bhttp::async_read(connection.stream, connection.buffer, parser,
                      [&](boost::system::error_code answered, std::size_t) {
                        ended = true;
                        failure = answered;
                        if (answered) return;
                        status = parser.get().result_int();
                        keep_alive = parser.get().keep_alive();
                      });
  });
  connection.io.restart();
  // Waiting for the collector, the queue goes on being drained into the next batch.
  const auto give_up = deadline + kRunSlack;
  while (!ended && std::chrono::steady_clock::now() < give_up) {
    connection.io.run_for(kTopUpInterval);
    if (!ended && top_up_) top_up_();
  }
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
