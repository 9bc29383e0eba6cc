#include "tracing/span.h"

#include <algorithm>
#include <cstring>

namespace smlapi::tracing {

void SpanRecord::set_name(std::string_view name) {
  name_length = static_cast<std::uint8_t>(std::min(name.size(), kMaxSpanName));
  std::memcpy(text.data(), name.data(), name_length);
  text_used = name_length;
  attribute_count = 0;
}

void SpanRecord::set_name(std::string_view first, std::string_view second) {
  set_name(first);
  if (second.empty() || name_length >= kMaxSpanName - 1) return;
  text[name_length++] = ' ';
  const std::size_t more = std::min(second.size(), kMaxSpanName - name_length);
  std::memcpy(text.data() + name_length, second.data(), more);
  name_length = static_cast<std::uint8_t>(name_length + more);
  text_used = name_length;
}

void SpanRecord::add(std::string_view key, std::string_view value) {
  if (attribute_count == kMaxAttributes) return;
  Attribute& attribute = attributes[attribute_count++];
  attribute.key = key;
  attribute.is_integer = false;
  attribute.offset = text_used;
  attribute.length = static_cast<std::uint8_t>(
      std::min({value.size(), kMaxAttributeText, kSpanTextBytes - text_used}));
  std::memcpy(text.data() + text_used, value.data(), attribute.length);
  text_used = static_cast<std::uint8_t>(text_used + attribute.length);
}

void SpanRecord::add(std::string_view key, std::int64_t value) {
  if (attribute_count == kMaxAttributes) return;
  Attribute& attribute = attributes[attribute_count++];
  attribute.key = key;
  attribute.is_integer = true;
  attribute.integer = value;
  attribute.length = 0;
}

}  // namespace smlapi::tracing
