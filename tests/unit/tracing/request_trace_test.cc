#include "tracing/request_trace.h"

#include "tracing/clock_anchor.h"
#include "tracing/request_spans.h"
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
  begin_request_trace(kSampled, "rojo=1", config, ids, trace);
  EXPECT_EQ(to_hex(trace.trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(to_hex(trace.parent_id), "00f067aa0ba902b7");
  EXPECT_NE(trace.span_id, trace.parent_id);
  EXPECT_TRUE(trace.recording);
  EXPECT_EQ(trace.trace_state_view(), "rojo=1");
  trace.start_nanos = 100;
  trace.unix_offset_nanos = 1000;
  RequestSpans queued;
  queued.fill(trace, {"GET", "/healthz", "/healthz", "::1", 200}, 200);
  EXPECT_EQ(queued.parent_id, trace.parent_id);
  EXPECT_EQ(queued.span_id, trace.span_id);
  EXPECT_EQ(queued.trace_id, trace.trace_id);
  EXPECT_EQ(queued.unix_nanos(queued.start_nanos), 1100u);
  EXPECT_EQ(queued.unix_nanos(queued.end_nanos), 1200u);
}

TEST_F(RequestTraceTest, HonoursTheCallersUnsampledFlagWhateverTheRatio) {
  begin_request_trace(kUnsampled, "", config, ids, trace);
  EXPECT_FALSE(trace.sampled);
  EXPECT_FALSE(trace.recording);
  EXPECT_EQ(trace.start_child(names::kAdmission, 1), nullptr);
  char out[kTraceParentLength];
  trace.format_traceresponse(out);
  EXPECT_EQ(std::string_view(out, sizeof out).substr(53), "00");
}

TEST_F(RequestTraceTest, AnInvalidHeaderStartsANewRootTrace) {
  begin_request_trace("00-00000000000000000000000000000000-00f067aa0ba902b7-01", "rojo=1", config,
                      ids, trace);
  EXPECT_TRUE(trace.trace_id.valid());
  EXPECT_NE(to_hex(trace.trace_id), "00000000000000000000000000000000");
  EXPECT_FALSE(trace.parent_id.valid());
  EXPECT_EQ(trace.trace_state_length, 0u) << "tracestate belongs to the caller's trace";
}

TEST_F(RequestTraceTest, ChildrenAreBoundedAndHaveTheirOwnIds) {
  begin_request_trace("", "", config, ids, trace);
  SpanRecord* child = trace.start_child(names::kAdmission, 110);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->start_nanos, 110);
  EXPECT_EQ(child->name, &names::kAdmission);
  for (std::size_t i = 1; i < kMaxChildSpans; ++i) {
    ASSERT_NE(trace.start_child(names::kModelScore, 1), nullptr);
  }
  EXPECT_EQ(trace.start_child(names::kModelScore, 1), nullptr) << "bounded";
  for (std::size_t i = 0; i < kMaxChildSpans; ++i) {
    const SpanId id = child_span_id(trace.span_id, i);
    EXPECT_TRUE(id.valid());
    EXPECT_NE(id, trace.span_id);
    for (std::size_t j = 0; j < i; ++j) EXPECT_NE(id, child_span_id(trace.span_id, j));
  }
}

TEST(ClockAnchor, ReadsTheWallClockOnceASecond) {
  ClockAnchor anchor;
  int reads = 0;
  std::int64_t wall = 5'000;
  auto read = [&] {
    ++reads;
    return wall;
  };
  EXPECT_EQ(anchor.offset(1'000, read), 4'000);
  wall = 9'000;  // the wall clock is corrected: seen at the next refresh only
  EXPECT_EQ(anchor.offset(1'000 + ClockAnchor::kRefreshNanos - 1, read), 4'000);
  EXPECT_EQ(reads, 1);
  EXPECT_EQ(anchor.offset(1'000 + ClockAnchor::kRefreshNanos, read),
            9'000 - 1'000 - ClockAnchor::kRefreshNanos);
  EXPECT_EQ(reads, 2);
}

TEST_F(RequestTraceTest, NothingIsRecordedWithoutAnExporter) {
  config.export_spans = false;
  begin_request_trace(kSampled, "", config, ids, trace);
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
