#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace smlapi::vader {

// Code point -> emoji description ("grinning face"), the reference's emoji lexicon restricted
// to what its per-character lookup can match. Open addressing on the code point.
class EmojiTable {
 public:
  explicit EmojiTable(const std::map<char32_t, std::string>& entries);

  // The description, or an empty view when cp is not an emoji.
  std::string_view description(char32_t cp) const;
  bool has_ascii_entries() const { return has_ascii_entries_; }
  const std::map<char32_t, std::string>& entries() const { return entries_; }

 private:
  struct Slot {
    char32_t code_point = 0;
    std::uint32_t entry = 0;  // index + 1 into descriptions_; 0 when empty
  };
  std::map<char32_t, std::string> entries_;
  std::vector<std::string_view> descriptions_;
  std::vector<Slot> slots_;
  std::uint32_t mask_ = 0;
  bool has_ascii_entries_ = false;
};

}  // namespace smlapi::vader
