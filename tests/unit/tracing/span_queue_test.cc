// The exporter's queue: a request's record filled in place, the caller's tracestate copied
// beside it (the request's buffer is reused at once), records read in place by the exporter, a
// full ring dropping and counting the request's spans, a half-full one waking the exporter.
#include "telemetry/span_queue.h"

#include "tracing/otlp_json.h"
#include "tracing/request_trace.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <string>
#include <vector>

namespace smlapi::telemetry {
namespace {

using tracing::RequestSpans;
using tracing::RequestTrace;

RequestTrace recorded(std::string_view tracestate = "", std::int64_t start = 0) {
  static tracing::IdGenerator ids({5, 6, 7, 8});
  RequestTrace trace;
  tracing::begin_request_trace(
      tracestate.empty() ? "" : "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      tracestate, tracing::TracerConfig{1.0, true}, ids, trace);
  trace.start_nanos = start;
  return trace;
}

const tracing::ServerSpanFacts kFacts{"GET", "/healthz", "/healthz", "127.0.0.1", 200};

TEST(SpanQueue, KeepsItsOwnCopyOfTheTracestateAndTheRequestsStrings) {
  SpanQueue queue(1, 4);
  RequestTrace trace = recorded("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  std::string path = "/healthz?probe=1";
  std::string address = "10.1.2.3";
  queue.submit(0, trace, {"GET", "/healthz", path, address, 200}, 5);
  // The request's buffers, reused by the next request.
  trace.trace_state.fill('x');
  path.assign(path.size(), 'x');
  address.assign(address.size(), 'x');
  std::vector<std::string> seen;
  EXPECT_EQ(queue.drain(10,
                        [&seen](const RequestSpans& queued) {
                          seen.emplace_back(queued.trace_state);
                          seen.emplace_back(queued.path_view());
                          seen.emplace_back(queued.address_view());
                        }),
            1u);
  EXPECT_EQ(seen, (std::vector<std::string>{"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
                                            "/healthz?probe=1", "10.1.2.3"}));
}

TEST(SpanQueue, AFullRingDropsAndCountsTheSpansAndTheExporterReadsInOrder) {
  SpanQueue queue(2, 4);  // 4 requests per worker
  for (int i = 0; i < 6; ++i) {
    RequestTrace trace = recorded("", i);
    trace.start_child(tracing::names::kAdmission, i);  // two spans a request
    queue.submit(1, trace, kFacts, i + 1);
  }
  EXPECT_EQ(queue.dropped(), 4u) << "two requests of two spans each";
  std::string body;
  tracing::OtlpJsonBatch batch(tracing::Resource{"svc", "1"}, body);
  std::vector<std::int64_t> starts;
  EXPECT_EQ(queue.drain(3,
                        [&](const RequestSpans& queued) {
                          starts.push_back(queued.start_nanos);
                          batch.add(queued);
                        }),
            3u);
  batch.finish();
  EXPECT_EQ(starts, (std::vector<std::int64_t>{0, 1, 2}));
  EXPECT_EQ(batch.spans(), 6u);
  simdjson::dom::parser parser;
  simdjson::dom::array encoded =
      parser.parse(body)["resourceSpans"].at(0)["scopeSpans"].at(0)["spans"];
  EXPECT_EQ(encoded.size(), 6u);
  EXPECT_EQ(queue.drain(10, [](const RequestSpans&) {}), 1u) << "the rest, once";
  EXPECT_EQ(queue.drain(10, [](const RequestSpans&) {}), 0u);
  const RequestTrace trace = recorded();
  for (int i = 0; i < 4; ++i) queue.submit(1, trace, kFacts, 1);
  EXPECT_EQ(queue.dropped(), 4u) << "freed slots take requests again";
}

TEST(SpanQueue, OtherThreadsShareTheBackgroundRing) {
  SpanQueue queue(1, 2);
  const RequestTrace trace = recorded();
  queue.submit(tracing::SpanSink::kBackgroundThread, trace, kFacts, 1);
  queue.submit(7, trace, kFacts, 1);  // not a worker's index: the background ring too
  queue.submit(tracing::SpanSink::kBackgroundThread, trace, kFacts, 1);
  EXPECT_EQ(queue.dropped(), 1u);
  EXPECT_EQ(queue.drain(10, [](const RequestSpans&) {}), 2u);
}

TEST(SpanQueue, AHalfFullRingWakesTheExporter) {
  using std::chrono::seconds;
  SpanQueue queue(1, 8);
  const RequestTrace trace = recorded();
  for (int i = 0; i < 3; ++i) queue.submit(0, trace, kFacts, 1);
  EXPECT_FALSE(queue.wait_for_spans(seconds(0))) << "3 of 8: the poll interval will do";
  queue.submit(0, trace, kFacts, 1);
  EXPECT_TRUE(queue.wait_for_spans(seconds(0))) << "4 of 8: drain now";
  EXPECT_FALSE(queue.wait_for_spans(seconds(0))) << "once per fill";
  EXPECT_EQ(queue.drain(10, [](const RequestSpans&) {}), 4u);
  queue.wake();
  EXPECT_TRUE(queue.wait_for_spans(seconds(0))) << "stopping wakes it too";
}

}  // namespace
}  // namespace smlapi::telemetry
