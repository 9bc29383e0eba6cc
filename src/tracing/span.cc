#include "tracing/span.h"

#include "common/short_copy.h"

#include <algorithm>
#include <cstring>

namespace smlapi::tracing {

void SpanRecord::add(const AttributeKey& key, std::string_view value) {
  if (attribute_count == kMaxAttributes) return;
  Attribute& attribute = attributes[attribute_count++];
  attribute.key = &key;
  attribute.is_integer = false;
  attribute.offset = text_used;
  const std::size_t length = cut_between_characters(value, kSpanTextBytes - text_used);
  copy_short(text.data() + text_used, value.data(), length);
  attribute.length = static_cast<std::uint8_t>(length);
  text_used = static_cast<std::uint8_t>(text_used + length);
}

void SpanRecord::add(const AttributeKey& key, std::int64_t value) {
  if (attribute_count == kMaxAttributes) return;
  Attribute& attribute = attributes[attribute_count++];
  attribute.key = &key;
  attribute.is_integer = true;
  attribute.integer = value;
  attribute.length = 0;
}

}  // namespace smlapi::tracing
