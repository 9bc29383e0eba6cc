#include "tabular/columns.h"

#include <charconv>

namespace smlapi::tabular {

std::optional<std::size_t> resolve_column(std::string_view spec,
                                          std::span<const std::string_view> header,
                                          std::size_t field_count) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == spec) return i;
  }
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), index);
  if (ec != std::errc{} || end != spec.data() + spec.size()) return std::nullopt;
  if (index < 1 || index > field_count) return std::nullopt;
  return index - 1;
}

}  // namespace smlapi::tabular
