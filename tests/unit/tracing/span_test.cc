// SpanRecord holds only well-formed UTF-8 (the OTLP encodings' string fields require it): what a
// client sent is repaired as it is recorded, and a cut never splits a character.
#include "tracing/span.h"

#include <gtest/gtest.h>

#include <string>

namespace smlapi::tracing {
namespace {

TEST(SpanRecord, IllFormedBytesAreReplacedAsTheyAreRecorded) {
  SpanRecord span;
  span.set_name("GET", "/a\xff");
  span.add("url.path", "/\xc3\xa9\xfe");
  EXPECT_EQ(span.name_view(), "GET /a\xef\xbf\xbd");
  EXPECT_EQ(span.text_value(span.attributes[0]), "/\xc3\xa9\xef\xbf\xbd");
}

TEST(SpanRecord, CutsFallBetweenCharacters) {
  SpanRecord span;
  span.set_name(std::string(kMaxSpanName - 1, 'n') + "\xc3\xa9");
  EXPECT_EQ(span.name_view(), std::string(kMaxSpanName - 1, 'n'));
  span.add("url.path", std::string(kMaxAttributeText - 2, 'p') + "\xe2\x82\xac");
  EXPECT_EQ(span.text_value(span.attributes[0]), std::string(kMaxAttributeText - 2, 'p'));
}

}  // namespace
}  // namespace smlapi::tracing
