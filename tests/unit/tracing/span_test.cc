// A child span's string values are copied as they came (the encoders repair UTF-8 on the
// exporter's thread), cut between characters at the end of the text area.
#include "tracing/span.h"

#include <gtest/gtest.h>

#include <string>

namespace smlapi::tracing {
namespace {

TEST(SpanRecord, ValuesAreCopiedAsTheyCame) {
  SpanRecord span;
  span.add(names::kModel, "/\xc3\xa9\xfe");
  span.add(names::kTexts, std::int64_t{-7});
  ASSERT_EQ(span.attribute_count, 2);
  EXPECT_EQ(span.text_value(span.attributes[0]), "/\xc3\xa9\xfe");
  EXPECT_TRUE(span.attributes[1].is_integer);
  EXPECT_EQ(span.attributes[1].integer, -7);
  span.add(names::kHash, "y");
  EXPECT_EQ(span.attribute_count, kMaxAttributes) << "bounded";
}

TEST(SpanRecord, CutsFallBetweenCharacters) {
  SpanRecord span;
  span.add(names::kModel, std::string(kSpanTextBytes - 2, 'p') + "\xe2\x82\xac");
  EXPECT_EQ(span.text_value(span.attributes[0]), std::string(kSpanTextBytes - 2, 'p'));
  span.add(names::kHash, "more");
  EXPECT_EQ(span.text_value(span.attributes[1]), "mo") << "what is left of the area: 2 bytes";
}

TEST(CutBetweenCharacters, NeverEndsInsideASequence) {
  const std::string text =
      "ab\xe2\x82\xac"
      "cd";  // a, b, €, c, d
  EXPECT_EQ(cut_between_characters(text, 10), text.size());
  EXPECT_EQ(cut_between_characters(text, 5), 5u);
  EXPECT_EQ(cut_between_characters(text, 4), 2u);
  EXPECT_EQ(cut_between_characters(text, 3), 2u);
  EXPECT_EQ(cut_between_characters(text, 2), 2u);
  EXPECT_EQ(cut_between_characters(text, 0), 0u);
}

}  // namespace
}  // namespace smlapi::tracing
