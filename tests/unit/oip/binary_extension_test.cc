#include "oip/binary_extension.h"

#include <gtest/gtest.h>

#include "result_matchers.h"

namespace smlapi::oip {
namespace {

using ::smlapi::result_testing::FailsWith;
using ::testing::Field;
using ::testing::HasSubstr;

std::string bytes_elements(std::initializer_list<std::string_view> texts) {
  std::string out;
  for (std::string_view text : texts) append_bytes_element(out, text);
  return out;
}

TEST(SplitBinaryBody, SplitsAtTheHeaderLength) {
  auto body = split_binary_body("{\"a\":1}BINARY", "7");
  ASSERT_TRUE(body.has_value());
  EXPECT_EQ(body->json, "{\"a\":1}");
  EXPECT_EQ(body->binary, "BINARY");
  auto json_only = split_binary_body("{}", "2");
  ASSERT_TRUE(json_only.has_value());
  EXPECT_TRUE(json_only->binary.empty());
}

TEST(SplitBinaryBody, RefusesLengthsThatAreNotAByteCountOfTheBody) {
  for (std::string_view length :
       {"", "x", "-1", "1.5", " 2", "2 ", "0", "9", "18446744073709551616"}) {
    EXPECT_THAT(split_binary_body("{}BIN", length),
                FailsWith(Field(&OipError::message, HasSubstr("Inference-Header-Content-Length"))))
        << length;
  }
}

TEST(DecodeBytesElements, ReadsLengthPrefixedElements) {
  const std::string blob = bytes_elements({"good", "", "caf\xc3\xa9"});
  EXPECT_EQ(blob.size(), 4u + 4 + 4 + 0 + 4 + 5);
  EXPECT_EQ(blob.substr(0, 4), std::string("\x04\x00\x00\x00", 4));  // little-endian
  std::vector<std::string_view> out;
  ASSERT_TRUE(decode_bytes_elements(blob, 3, out).has_value());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], "good");
  EXPECT_EQ(out[1], "");
  EXPECT_EQ(out[2], "caf\xc3\xa9");
}

TEST(DecodeBytesElements, RefusesTruncatedOrTrailingBytes) {
  const std::string blob = bytes_elements({"good", "bad"});
  std::vector<std::string_view> out;
  EXPECT_THAT(decode_bytes_elements(blob.substr(0, 2), 1, out),
              FailsWith(Field(&OipError::message, HasSubstr("4-byte length"))));
  EXPECT_THAT(decode_bytes_elements(blob.substr(0, 6), 1, out),
              FailsWith(Field(&OipError::message, HasSubstr("ends inside element 0"))));
  EXPECT_THAT(decode_bytes_elements(blob, 1, out),
              FailsWith(Field(&OipError::message, HasSubstr("more bytes"))));
  EXPECT_THAT(decode_bytes_elements(blob, 3, out),
              FailsWith(Field(&OipError::message, HasSubstr("element 2"))));
  // A length near 2^32 is bounded by the blob, not trusted.
  const std::string huge = std::string("\xff\xff\xff\xff", 4) + "x";
  EXPECT_THAT(decode_bytes_elements(huge, 1, out),
              FailsWith(Field(&OipError::message, HasSubstr("ends inside element 0"))));
}

TEST(AppendNumbers, WritesLittleEndianIeee754AndTwosComplement) {
  std::string out;
  append_fp64(out, 1.0);
  append_int64(out, -2);
  EXPECT_EQ(out, std::string("\x00\x00\x00\x00\x00\x00\xf0\x3f"
                             "\xfe\xff\xff\xff\xff\xff\xff\xff",
                             16));
}

TEST(HttpStatus, MapsEveryKind) {
  EXPECT_EQ(http_status(OipErrorKind::bad_request), 400);
  EXPECT_EQ(http_status(OipErrorKind::payload_too_large), 413);
  EXPECT_EQ(http_status(OipErrorKind::unsupported_media), 415);
  EXPECT_EQ(http_status(OipErrorKind::not_found), 404);
  EXPECT_EQ(http_status(unknown_model_error().kind), 404);
  EXPECT_EQ(http_status(unknown_model_version_error("vader").kind), 404);
}

}  // namespace
}  // namespace smlapi::oip
