// utf8::code_point_count and utf8::sequence_length: the input limits of every API count code
// points with the first; the JSON writer keeps or replaces bytes with the second. And
// utf8::copy_well_formed, which span records use to hold only well-formed text.
#include "common/utf8.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace smlapi::utf8 {
namespace {

TEST(CodePointCount, CountsCharactersNotBytes) {
  EXPECT_EQ(code_point_count(""), 0u);
  EXPECT_EQ(code_point_count("abc"), 3u);
  EXPECT_EQ(code_point_count("\xc3\xa9"), 1u);
  EXPECT_EQ(code_point_count("\xe2\x82\xac"), 1u);
  EXPECT_EQ(code_point_count("\xf0\x9f\x98\x80 ok"), 4u);
  EXPECT_EQ(code_point_count("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"), 5u);  // > 8 bytes
}

TEST(CodePointCount, EqualsTheByteByByteCountOnRandomBytes) {
  std::mt19937 random(42);
  std::uniform_int_distribution<int> byte(0, 255);
  for (std::size_t length = 0; length < 200; ++length) {
    std::string text(length, '\0');
    for (char& c : text) c = static_cast<char>(byte(random));
    std::size_t expected = 0;
    for (char c : text) expected += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    ASSERT_EQ(code_point_count(text), expected) << "length " << length;
  }
}

TEST(SequenceLength, WellFormedSequences) {
  EXPECT_EQ(sequence_length("a"), 1u);
  EXPECT_EQ(sequence_length("\xc3\xa9"), 2u);
  EXPECT_EQ(sequence_length("\xe2\x82\xac"), 3u);
  EXPECT_EQ(sequence_length("\xf0\x9f\x98\x80"), 4u);
  EXPECT_EQ(sequence_length("\xf4\x8f\xbf\xbf"), 4u);  // U+10FFFF
}

TEST(SequenceLength, IllFormedSequencesAreZero) {
  EXPECT_EQ(sequence_length(""), 0u);
  EXPECT_EQ(sequence_length("\x80"), 0u);              // lone continuation byte
  EXPECT_EQ(sequence_length("\xc0\xaf"), 0u);          // overlong
  EXPECT_EQ(sequence_length("\xe0\x80\xaf"), 0u);      // overlong, three bytes
  EXPECT_EQ(sequence_length("\xed\xa0\x80"), 0u);      // surrogate
  EXPECT_EQ(sequence_length("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(sequence_length("\xe2\x82"), 0u);          // truncated
  EXPECT_EQ(sequence_length("\xff"), 0u);
}

// copy_well_formed with room for `room` bytes, as a string.
std::string well_formed(std::string_view text, std::size_t room = 1024) {
  std::string out(room, '\0');
  out.resize(copy_well_formed(text, out.data(), out.size()));
  return out;
}

bool is_well_formed(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = sequence_length(text.substr(i));
    if (length == 0) return false;
    i += length;
  }
  return true;
}

TEST(CopyWellFormed, KeepsWellFormedTextAsItIs) {
  EXPECT_EQ(well_formed(""), "");
  EXPECT_EQ(well_formed("plain ascii, longer than one eight-byte word"),
            "plain ascii, longer than one eight-byte word");
  EXPECT_EQ(well_formed("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

TEST(CopyWellFormed, ReplacesEachIllFormedByte) {
  EXPECT_EQ(well_formed("a\xff!"), "a\xef\xbf\xbd!");
  EXPECT_EQ(well_formed("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");  // overlong: two bytes
  EXPECT_EQ(well_formed("\xed\xa0\x80"),                           // surrogate: three
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(well_formed("x\xe2\x82"), "x\xef\xbf\xbd\xef\xbf\xbd");  // truncated at the end
}

TEST(CopyWellFormed, ACutNeverSplitsACharacter) {
  EXPECT_EQ(well_formed("abc", 2), "ab");
  EXPECT_EQ(well_formed("a\xe2\x82\xac", 3), "a");  // the euro sign needs three more bytes
  EXPECT_EQ(well_formed("a\xe2\x82\xac", 4), "a\xe2\x82\xac");
  EXPECT_EQ(well_formed("a\xff", 3), "a");  // the replacement does not fit either
  EXPECT_EQ(well_formed("abc", 0), "");
}

TEST(CopyWellFormed, AnyBytesGiveWellFormedTextWithinTheRoom) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> byte(0, 255);
  for (std::size_t length = 0; length < 300; ++length) {
    std::string text(length, '\0');
    for (char& c : text) c = static_cast<char>(byte(random));
    const std::size_t room = length % 97;
    const std::string out = well_formed(text, room);
    ASSERT_LE(out.size(), room);
    ASSERT_TRUE(is_well_formed(out)) << "length " << length;
  }
}

}  // namespace
}  // namespace smlapi::utf8
