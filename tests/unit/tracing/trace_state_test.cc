#include "tracing/trace_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "result_matchers.h"

namespace smlapi::tracing {
namespace {

using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::ValueOf;

std::array<char, kMaxTraceStateLength> buffer;

std::string normalized(std::string_view header) {
  const std::size_t length = ValueOf(normalize_tracestate(header, buffer));
  return std::string(buffer.data(), length);
}

TEST(Tracestate, KeepsValidEntriesAndDropsEmptyOnes) {
  EXPECT_EQ(normalized("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"),
            "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  EXPECT_EQ(normalized(" rojo=1 ,, \tcongo=2 ,"), "rojo=1,congo=2");
  EXPECT_EQ(normalized(""), "");
  EXPECT_EQ(normalized("tenant1@vendor=x"), "tenant1@vendor=x");
  EXPECT_EQ(normalized("a=b c"), "a=b c");
}

TEST(Tracestate, RefusesWhatTheGrammarDoesNotAllow) {
  EXPECT_THAT(normalize_tracestate("Rojo=1", buffer), FailsWith(TraceStateError::bad_key));
  EXPECT_THAT(normalize_tracestate("1rojo=1", buffer), FailsWith(TraceStateError::bad_key));
  EXPECT_THAT(normalize_tracestate("t@toolongsystemid=1", buffer),
              FailsWith(TraceStateError::bad_key));
  EXPECT_THAT(normalize_tracestate("rojo=", buffer), FailsWith(TraceStateError::bad_value));
  EXPECT_THAT(normalize_tracestate("rojo=a=b", buffer), FailsWith(TraceStateError::bad_value));
  EXPECT_THAT(normalize_tracestate("rojo=\x01", buffer), FailsWith(TraceStateError::bad_value));
  EXPECT_THAT(normalize_tracestate("rojo", buffer), FailsWith(TraceStateError::no_equals));
  EXPECT_THAT(normalize_tracestate("rojo=1,rojo=2", buffer),
              FailsWith(TraceStateError::duplicate_key));
}

TEST(Tracestate, ThirtyTwoEntriesAtMost) {
  std::string header;
  for (int i = 0; i < 32; ++i) header += (i ? ",k" : "k") + std::to_string(i) + "=v";
  EXPECT_EQ(normalized(header), header);
  EXPECT_THAT(normalize_tracestate(header + ",k32=v", buffer),
              FailsWith(TraceStateError::too_many_members));
}

TEST(Tracestate, TrimsToFiveHundredTwelveLargeEntriesFirstThenFromTheRight) {
  const std::string large = "big=" + std::string(200, 'x');  // > 128: dropped first
  std::string header = "a=" + std::string(150, '1') + "," + large;
  for (int i = 0; i < 4; ++i) header += ",k" + std::to_string(i) + "=" + std::string(100, 'v');
  const std::string kept = normalized(header);
  EXPECT_LE(kept.size(), kMaxTraceStateLength);
  EXPECT_EQ(kept.find("big="), std::string::npos);
  EXPECT_EQ(kept.find("a="), std::string::npos) << "a= is large too (152 characters)";
  EXPECT_NE(kept.find("k3="), std::string::npos);

  std::string small;
  for (int i = 0; i < 6; ++i)
    small += (i ? ",k" : "k") + std::to_string(i) + "=" + std::string(100, 'v');
  const std::string trimmed = normalized(small);
  EXPECT_LE(trimmed.size(), kMaxTraceStateLength);
  EXPECT_EQ(trimmed.rfind("k0=", 0), 0u) << "the left-most entries stay";
  EXPECT_EQ(trimmed.find("k5="), std::string::npos) << "the right-most go";
}

}  // namespace
}  // namespace smlapi::tracing
