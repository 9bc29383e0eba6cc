#include "tracing/span.h"

#include "common/utf8.h"

#include <algorithm>
#include <cstring>

namespace smlapi::tracing {

void SpanRecord::set_name(std::string_view name) {
  name_length = static_cast<std::uint8_t>(utf8::copy_well_formed(name, text.data(), kMaxSpanName));
  text_used = name_length;
  attribute_count = 0;
}

void SpanRecord::set_name(std::string_view first, std::string_view second) {
  set_name(first);
  if (second.empty() || name_length >= kMaxSpanName - 1) return;
  text[name_length++] = ' ';
  const std::size_t more =
      utf8::copy_well_formed(second, text.data() + name_length, kMaxSpanName - name_length);
  name_length = static_cast<std::uint8_t>(name_length + more);
  text_used = name_length;
}

void SpanRecord::add(std::string_view key, std::string_view value) {
  if (attribute_count == kMaxAttributes) return;
  Attribute& attribute = attributes[attribute_count++];
  attribute.key = key;
  attribute.is_integer = false;
  attribute.offset = text_used;
  attribute.length = static_cast<std::uint8_t>(utf8::copy_well_formed(
      value, text.data() + text_used, std::min(kMaxAttributeText, kSpanTextBytes - text_used)));
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
