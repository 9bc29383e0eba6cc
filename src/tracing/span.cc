#include "tracing/span.h"

#include <algorithm>
#include <cstring>

namespace smlapi::tracing {

void SpanRecord::set_name(std::string_view text) {
  name_length = static_cast<std::uint8_t>(std::min(text.size(), kMaxSpanName));
  std::memcpy(name.data(), text.data(), name_length);
}

void SpanRecord::set_name(std::string_view first, std::string_view second) {
  set_name(first);
  if (second.empty() || name_length >= kMaxSpanName - 1) return;
  name[name_length++] = ' ';
  const std::size_t more = std::min(second.size(), kMaxSpanName - name_length);
  std::memcpy(name.data() + name_length, second.data(), more);
  name_length = static_cast<std::uint8_t>(name_length + more);
}

void SpanRecord::add(std::string_view key, std::string_view value) {
  if (attribute_count == kMaxAttributes) return;
  Attribute& attribute = attributes[attribute_count++];
  attribute.key = key;
  attribute.is_integer = false;
  attribute.length = static_cast<std::uint8_t>(std::min(value.size(), kMaxAttributeText));
  std::memcpy(attribute.text.data(), value.data(), attribute.length);
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
