// The compact span record and the exporter's queue: text cut at its bounds, the caller's
// tracestate copied beside the record (the request's buffer is reused at once), spans read in
// place by the exporter, a full ring dropping and counting, a half-full one waking the exporter.
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

using tracing::SpanRecord;

TEST(SpanRecord, TextIsCutAtItsBoundsAndAttributesAreBounded) {
  SpanRecord span;
  span.set_name(std::string(100, 'n'));
  EXPECT_EQ(span.name_view(), std::string(tracing::kMaxSpanName, 'n'));
  span.add("a", std::string(200, 'a'));
  span.add("b", std::string(200, 'b'));
  span.add("c", std::string(200, 'c'));
  span.add("n", std::int64_t{-7});
  ASSERT_EQ(span.attribute_count, 4);
  EXPECT_EQ(span.text_value(span.attributes[0]), std::string(tracing::kMaxAttributeText, 'a'));
  const std::size_t left = tracing::kSpanTextBytes - tracing::kMaxSpanName -
                           tracing::kMaxAttributeText;  // what the third value may still take
  EXPECT_EQ(span.text_value(span.attributes[1]), std::string(left, 'b'));
  EXPECT_EQ(span.text_value(span.attributes[2]), "") << "the text area is full";
  EXPECT_EQ(span.attributes[3].integer, -7);
  for (std::size_t i = span.attribute_count; i < tracing::kMaxAttributes + 2; ++i)
    span.add("x", "y");
  EXPECT_EQ(span.attribute_count, tracing::kMaxAttributes);
  EXPECT_EQ(span.name_view(), std::string(tracing::kMaxSpanName, 'n')) << "name kept";
}

TEST(SpanQueue, KeepsItsOwnCopyOfTheTracestate) {
  SpanQueue queue(1, 4);
  std::string state = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";
  SpanRecord span;
  span.set_name("GET /healthz");
  span.trace_state = state;
  queue.submit(0, std::span<const SpanRecord>(&span, 1));
  state.assign(state.size(), 'x');  // the request's buffer, reused by the next request
  std::vector<std::string> seen;
  EXPECT_EQ(
      queue.drain(
          10, [&seen](const SpanRecord& queued) { seen.emplace_back(queued.trace_state_view()); }),
      1u);
  EXPECT_EQ(seen, std::vector<std::string>{"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"});
}

TEST(SpanQueue, AFullRingDropsAndCountsAndTheExporterReadsInOrder) {
  SpanQueue queue(2, 4);  // 4 spans per worker
  SpanRecord spans[6];
  for (int i = 0; i < 6; ++i) {
    spans[i].set_name("s");
    spans[i].start_unix_nanos = static_cast<std::uint64_t>(i);
  }
  queue.submit(1, spans);
  EXPECT_EQ(queue.dropped(), 2u);
  std::string body;
  tracing::OtlpJsonBatch batch(tracing::Resource{"svc", "1"}, body);
  std::vector<std::uint64_t> starts;
  EXPECT_EQ(queue.drain(3,
                        [&](const SpanRecord& queued) {
                          starts.push_back(queued.start_unix_nanos);
                          batch.add(queued);
                        }),
            3u);
  batch.finish();
  EXPECT_EQ(starts, (std::vector<std::uint64_t>{0, 1, 2}));
  simdjson::dom::parser parser;
  simdjson::dom::array encoded =
      parser.parse(body)["resourceSpans"].at(0)["scopeSpans"].at(0)["spans"];
  EXPECT_EQ(encoded.size(), 3u);
  EXPECT_EQ(queue.drain(10, [](const SpanRecord&) {}), 1u) << "the rest, once";
  EXPECT_EQ(queue.drain(10, [](const SpanRecord&) {}), 0u);
  queue.submit(1, std::span<const SpanRecord>(spans, 4));
  EXPECT_EQ(queue.dropped(), 2u) << "freed slots take spans again";
}

TEST(SpanQueue, AHalfFullRingWakesTheExporter) {
  using std::chrono::seconds;
  SpanQueue queue(1, 8);
  SpanRecord spans[4];
  for (auto& span : spans) span.set_name("s");
  queue.submit(0, std::span<const SpanRecord>(spans, 3));
  EXPECT_FALSE(queue.wait_for_spans(seconds(0))) << "3 of 8: the poll interval will do";
  queue.submit(0, std::span<const SpanRecord>(spans + 3, 1));
  EXPECT_TRUE(queue.wait_for_spans(seconds(0))) << "4 of 8: drain now";
  EXPECT_FALSE(queue.wait_for_spans(seconds(0))) << "once per fill";
  EXPECT_EQ(queue.drain(10, [](const SpanRecord&) {}), 4u);
  queue.wake();
  EXPECT_TRUE(queue.wait_for_spans(seconds(0))) << "stopping wakes it too";
}

}  // namespace
}  // namespace smlapi::telemetry
