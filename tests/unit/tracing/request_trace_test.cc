#include "tracing/request_trace.h"

#include "tracing/sampler.h"

#include <gtest/gtest.h>

namespace smlapi::tracing {
namespace {

constexpr std::string_view kSampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr std::string_view kUnsampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

struct Fixture : ::testing::Test {
  IdGenerator ids{{7, 8, 9, 10}};
  TracerConfig config{1.0, true};
  RequestTrace trace;
};

using RequestTraceTest = Fixture;

TEST_F(RequestTraceTest, JoinsTheCallersTrace) {
  begin_request_trace(kSampled, "rojo=1", config, ids, 100, trace);
  EXPECT_EQ(to_hex(trace.trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(to_hex(trace.parent_id), "00f067aa0ba902b7");
  EXPECT_NE(trace.span_id, trace.parent_id);
  EXPECT_TRUE(trace.recording);
  SpanRecord server;
  trace.server_span(server, 200);
  EXPECT_EQ(server.parent_id, trace.parent_id);
  EXPECT_EQ(server.span_id, trace.span_id);
  EXPECT_EQ(server.kind, SpanKind::server);
  EXPECT_EQ(server.trace_state_view(), "rojo=1");
  EXPECT_EQ(server.start_unix_nanos, 100u);
  EXPECT_EQ(server.end_unix_nanos, 200u);
}

TEST_F(RequestTraceTest, HonoursTheCallersUnsampledFlagWhateverTheRatio) {
  begin_request_trace(kUnsampled, "", config, ids, 100, trace);
  EXPECT_FALSE(trace.sampled);
  EXPECT_FALSE(trace.recording);
  EXPECT_EQ(trace.start_child("admission", SpanKind::internal, 1), nullptr);
  char out[kTraceParentLength];
  trace.format_traceresponse(out);
  EXPECT_EQ(std::string_view(out, sizeof out).substr(53), "00");
}

TEST_F(RequestTraceTest, AnInvalidHeaderStartsANewRootTrace) {
  begin_request_trace("00-00000000000000000000000000000000-00f067aa0ba902b7-01", "rojo=1", config,
                      ids, 100, trace);
  EXPECT_TRUE(trace.trace_id.valid());
  EXPECT_NE(to_hex(trace.trace_id), "00000000000000000000000000000000");
  EXPECT_FALSE(trace.parent_id.valid());
  EXPECT_EQ(trace.trace_state_length, 0u) << "tracestate belongs to the caller's trace";
}

TEST_F(RequestTraceTest, ChildrenParentToTheServerSpan) {
  begin_request_trace("", "", config, ids, 100, trace);
  SpanRecord* child = trace.start_child("admission", SpanKind::internal, 110);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->parent_id, trace.span_id);
  EXPECT_EQ(child->trace_id, trace.trace_id);
  EXPECT_TRUE(child->span_id.valid());
  EXPECT_NE(child->span_id, trace.span_id);
  for (std::size_t i = 1; i < kMaxChildSpans; ++i) {
    const SpanRecord* other = trace.start_child("x", SpanKind::internal, 1);
    ASSERT_NE(other, nullptr);
    EXPECT_NE(other->span_id, child->span_id);
    EXPECT_NE(other->span_id, trace.span_id);
  }
  EXPECT_EQ(trace.start_child("x", SpanKind::internal, 1), nullptr) << "bounded";
}

TEST_F(RequestTraceTest, NothingIsRecordedWithoutAnExporter) {
  config.export_spans = false;
  begin_request_trace(kSampled, "", config, ids, 100, trace);
  EXPECT_TRUE(trace.sampled);
  EXPECT_FALSE(trace.recording);
}

TEST(Sampler, RatioBoundsAndParentBased) {
  IdGenerator ids({1, 2, 3, 4});
  int kept = 0;
  for (int i = 0; i < 10000; ++i) kept += sample_root(ids.trace_id(), 0.25) ? 1 : 0;
  EXPECT_GT(kept, 2000);
  EXPECT_LT(kept, 3000);
  EXPECT_FALSE(sample_root(ids.trace_id(), 0.0));
  EXPECT_TRUE(sample_root(ids.trace_id(), 1.0));
}

}  // namespace
}  // namespace smlapi::tracing
