#pragma once

#include <cstddef>
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
  std::string_view description(char32_t cp) const {
    if (!may_contain(cp)) return {};
    return lookup(cp);
  }
  // False when no entry lies in cp's block of kBlockSize code points: most letters of
  // non-English text are refused by one bit test instead of a probe into the table.
  bool may_contain(char32_t cp) const {
    const std::size_t block = cp / kBlockSize;
    return block < blocks_.size() && blocks_[block];
  }
  bool has_ascii_entries() const { return has_ascii_entries_; }
  const std::map<char32_t, std::string>& entries() const { return entries_; }

 private:
  static constexpr char32_t kBlockSize = 32;
  std::string_view lookup(char32_t cp) const;

  struct Slot {
    char32_t code_point = 0;
    std::uint32_t entry = 0;  // index + 1 into descriptions_; 0 when empty
  };
  std::map<char32_t, std::string> entries_;
  std::vector<std::string_view> descriptions_;
  std::vector<Slot> slots_;
  std::vector<bool> blocks_;  // by cp / kBlockSize: holds at least one entry
  std::uint32_t mask_ = 0;
  bool has_ascii_entries_ = false;
};

}  // namespace smlapi::vader
