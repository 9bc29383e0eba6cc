#include "tracing/trace_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "result_matchers.h"

namespace smlapi::tracing {
namespace {

using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::ValueOf;

constexpr std::string_view kExample = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(Traceparent, ReadsTheRecommendationsExample) {
  const TraceParent parent = ValueOf(parse_traceparent(kExample));
  EXPECT_EQ(to_hex(parent.trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(to_hex(parent.parent_id), "00f067aa0ba902b7");
  EXPECT_TRUE(parent.sampled());
}

TEST(Traceparent, FlagsOtherThanSampledDoNotSample) {
  EXPECT_FALSE(ValueOf(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"))
                   .sampled());
  EXPECT_FALSE(ValueOf(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02"))
                   .sampled());
  EXPECT_TRUE(ValueOf(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03"))
                  .sampled());
}

TEST(Traceparent, RefusesAllZeroIds) {
  EXPECT_THAT(parse_traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
              FailsWith(TraceParentError::zero_trace_id));
  EXPECT_THAT(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"),
              FailsWith(TraceParentError::zero_parent_id));
}

TEST(Traceparent, RefusesUpperCaseAndBadSeparators) {
  EXPECT_THAT(parse_traceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"),
              FailsWith(TraceParentError::malformed));
  EXPECT_THAT(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01"),
              FailsWith(TraceParentError::malformed));
  EXPECT_THAT(parse_traceparent("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
              FailsWith(TraceParentError::malformed));
  EXPECT_THAT(parse_traceparent("0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
              FailsWith(TraceParentError::malformed));
  EXPECT_THAT(parse_traceparent(""), FailsWith(TraceParentError::malformed));
  EXPECT_THAT(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g"),
              FailsWith(TraceParentError::malformed));
}

TEST(Traceparent, VersionFfIsInvalid) {
  EXPECT_THAT(parse_traceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
              FailsWith(TraceParentError::invalid_version));
}

TEST(Traceparent, Version00HasNothingAfterItsFlags) {
  EXPECT_THAT(parse_traceparent(std::string(kExample) + "-00"),
              FailsWith(TraceParentError::version_00_extra));
}

TEST(Traceparent, AFutureVersionIsReadForItsFirstFourFields) {
  const TraceParent parent = ValueOf(
      parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-ever"));
  EXPECT_EQ(to_hex(parent.trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_TRUE(parent.sampled());
  EXPECT_THAT(ValueOf(parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                  .sampled(),
              true);
  // After the flags: the end of the header or a dash.
  EXPECT_THAT(parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"),
              FailsWith(TraceParentError::malformed));
  EXPECT_THAT(parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0"),
              FailsWith(TraceParentError::malformed));
}

TEST(Traceparent, FormatsVersion00) {
  const TraceParent parent = ValueOf(parse_traceparent(kExample));
  EXPECT_EQ(format_traceparent(parent.trace_id, parent.parent_id, true), kExample);
  EXPECT_EQ(format_traceparent(parent.trace_id, parent.parent_id, false),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
}

}  // namespace
}  // namespace smlapi::tracing
