// Which CSV/TSV column a --column or --keep spec names: a header name, or else a 1-based
// index (as cut -f and awk count). A name wins over an index: a column headed "2" is that one.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace smlapi::tabular {

// `header` is empty for a file without a header row; `field_count` is the number of columns.
// The 0-based column, or nothing when the spec names none.
std::optional<std::size_t> resolve_column(std::string_view spec,
                                          std::span<const std::string_view> header,
                                          std::size_t field_count);

}  // namespace smlapi::tabular
