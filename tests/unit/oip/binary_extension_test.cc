#include "oip/binary_extension.h"

#include <gtest/gtest.h>

namespace smlapi::oip {
namespace {

TEST(BinaryExtension, IsRefusedAsABadRequestThatNamesTheHeader) {
  const OipError error = binary_extension_unsupported_error();
  EXPECT_EQ(error.kind, OipErrorKind::bad_request);
  EXPECT_EQ(http_status(error.kind), 400);
  EXPECT_NE(error.message.find(kInferenceHeaderContentLength), std::string::npos);
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
