#include "tracing/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace smlapi::tracing {
namespace {

TEST(Ids, GeneratedIdsAreValidAndDistinct) {
  IdGenerator ids({1, 2, 3, 4});
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const TraceId trace = ids.trace_id();
    const SpanId span = ids.span_id();
    EXPECT_TRUE(trace.valid());
    EXPECT_TRUE(span.valid());
    EXPECT_TRUE(seen.insert(to_hex(trace)).second);
    EXPECT_TRUE(seen.insert(to_hex(span)).second);
  }
}

TEST(Ids, AllZeroSeedStillWorks) {
  IdGenerator ids({0, 0, 0, 0});
  EXPECT_TRUE(ids.trace_id().valid());
}

TEST(Ids, HexIsLowerCaseOnly) {
  std::uint8_t byte = 0;
  EXPECT_TRUE(read_lower_hex("af", &byte, 1));
  EXPECT_EQ(byte, 0xAF);
  EXPECT_FALSE(read_lower_hex("AF", &byte, 1));
  EXPECT_FALSE(read_lower_hex("a", &byte, 1));
  TraceId id;
  id.bytes[15] = 0x0A;
  EXPECT_EQ(to_hex(id), "0000000000000000000000000000000a");
}

}  // namespace
}  // namespace smlapi::tracing
