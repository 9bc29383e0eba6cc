// UTF-8 facts every layer needs the same way: how many code points a text has (what the input
// limits count, as Python's len() does) and where a well-formed sequence ends.
#pragma once

#include <cstddef>
#include <string_view>

namespace smlapi::utf8 {

// Number of code points in well-formed UTF-8 (bytes that are not continuation bytes).
std::size_t code_point_count(std::string_view text) noexcept;

// Length of the well-formed UTF-8 sequence starting at text[0], or 0 when it is not one
// (Unicode 15, table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t sequence_length(std::string_view text) noexcept;

// Copies `text` into `out` as well-formed UTF-8 of at most `room` bytes: whole sequences only
// (a text cut at `room` never ends inside a character), each ill-formed byte replaced by U+FFFD
// while it fits. Returns the bytes written. Plain ASCII is one scan and one copy.
std::size_t copy_well_formed(std::string_view text, char* out, std::size_t room) noexcept;

}  // namespace smlapi::utf8
