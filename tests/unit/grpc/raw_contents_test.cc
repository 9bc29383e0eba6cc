#include "grpc/raw_contents.h"

#include "result_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace smlapi::grpc_api {
namespace {

using ::smlapi::result_testing::Fails;
using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::Succeeds;
using ::smlapi::result_testing::ValueOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

TEST(RawContents, RoundTripsElementsAsTritonclientFramesThem) {
  std::string raw;
  append_raw_bytes(raw, "hello");
  append_raw_bytes(raw, "");
  append_raw_bytes(raw, "caf\xc3\xa9");
  EXPECT_EQ(raw.substr(0, 4), std::string("\x05\x00\x00\x00", 4));  // little-endian length
  EXPECT_THAT(ValueOf(split_raw_bytes(raw)), ElementsAre("hello", "", "caf\xc3\xa9"));
}

TEST(RawContents, EmptyContentsHoldNoElement) { EXPECT_TRUE(ValueOf(split_raw_bytes("")).empty()); }

TEST(RawContents, LengthBeyondTheEndIsRefused) {
  std::string raw("\x06\x00\x00\x00hello", 9);
  EXPECT_THAT(split_raw_bytes(raw),
              FailsWith(Field(&RawContentsError::message, HasSubstr("past the end"))));
}

TEST(RawContents, HugeLengthDoesNotOverflow) {
  std::string raw(
      "\xff\xff\xff\xff"
      "abc",
      7);
  EXPECT_THAT(split_raw_bytes(raw), Fails());
}

TEST(RawContents, TruncatedLengthPrefixIsRefused) {
  std::string raw;
  append_raw_bytes(raw, "ok");
  raw.append("\x01\x00", 2);
  EXPECT_THAT(split_raw_bytes(raw),
              FailsWith(Field(&RawContentsError::message, HasSubstr("4-byte length"))));
}

}  // namespace
}  // namespace smlapi::grpc_api
