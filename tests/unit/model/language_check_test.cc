#include "model/language_check.h"

#include <string>

#include <gtest/gtest.h>

namespace smlapi::model {
namespace {

TEST(CountScripts, LatinLettersIncludeAccentsNotDigitsOrEmoji) {
  const ScriptCount count = count_scripts("Café 42 ÿ ẞ! 😀");
  EXPECT_EQ(count.latin, 6u);  // C a f é ÿ ẞ
  EXPECT_EQ(count.other, 0u);
}

TEST(CountScripts, OtherScripts) {
  EXPECT_EQ(count_scripts("今天天气").other, 4u);
  EXPECT_EQ(count_scripts("Привет").other, 6u);
  EXPECT_EQ(count_scripts("مرحبا").other, 5u);
  EXPECT_EQ(count_scripts("שלום").other, 4u);
  EXPECT_EQ(count_scripts("नमस्ते").other, 6u);  // letters and vowel signs
  EXPECT_EQ(count_scripts("안녕").other, 2u);
  EXPECT_EQ(count_scripts("αβγ").other, 3u);
}

TEST(CheckLanguage, CoverageIsTheShareOfKnownTokens) {
  const LanguageCheck check = check_language("a b c d", Reading{4, 1});
  EXPECT_EQ(check.coverage, 0.25);
  EXPECT_EQ(check.warnings, 0);
}

TEST(CheckLanguage, BelowOneKnownTokenInFiveIsLowCoverage) {
  EXPECT_EQ(check_language("x", Reading{5, 1}).warnings, 0);  // exactly 0.2: no warning
  EXPECT_EQ(check_language("x", Reading{6, 1}).warnings, low_coverage);
  EXPECT_EQ(check_language("x", Reading{3, 0}).warnings, low_coverage);
}

TEST(CheckLanguage, NoTokensIsLowCoverage) {
  const LanguageCheck check = check_language("   ", Reading{0, 0});
  EXPECT_EQ(check.coverage, 0.0);
  EXPECT_EQ(check.warnings, low_coverage);
}

TEST(CheckLanguage, MoreOtherLettersThanLatinIsNonLatin) {
  EXPECT_EQ(check_language("good 好的", Reading{2, 1}).warnings, 0);  // 4 Latin, 2 other
  EXPECT_EQ(check_language("ok 好的呀", Reading{2, 1}).warnings, non_latin_script);
  EXPECT_EQ(check_language("ab 好的", Reading{2, 1}).warnings, 0);  // equal: not more than half
}

TEST(WarningNames, JsonArrayAndList) {
  std::string json;
  append_warnings_json(json, low_coverage | non_latin_script);
  EXPECT_EQ(json, R"(["low_coverage","non_latin_script"])");
  std::string one;
  append_warnings_json(one, non_latin_script);
  EXPECT_EQ(one, R"(["non_latin_script"])");
  std::string list;
  append_warnings_list(list, low_coverage | non_latin_script);
  EXPECT_EQ(list, "low_coverage,non_latin_script");
  std::string none;
  append_warnings_list(none, 0);
  EXPECT_EQ(none, "");
}

}  // namespace
}  // namespace smlapi::model
