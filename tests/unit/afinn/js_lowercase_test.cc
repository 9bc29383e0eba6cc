// String.prototype.toLowerCase() as Node.js 20 (ICU 78) computes it; each expected value was
// printed by node. The exhaustive check is the parity test's every-code-point corpus.
#include "afinn/js_lowercase.h"

#include <string>

#include <gtest/gtest.h>

namespace smlapi::afinn {
namespace {

std::string lower(std::string_view text) {
  std::string out;
  append_js_lowercase(text, out);
  return out;
}

TEST(JsLowercase, Ascii) { EXPECT_EQ(lower("NOT Good 123 !"), "not good 123 !"); }

TEST(JsLowercase, FullMappingsCanLengthen) {
  EXPECT_EQ(lower("İ"), "i\u0307");  // U+0130, two code points in JavaScript too
  EXPECT_EQ(lower("NAÏVE"), "naïve");
}

TEST(JsLowercase, CompatibilityCharactersBecomeAscii) {
  EXPECT_EQ(lower("\u212AISS"), "kiss");  // KELVIN SIGN
  EXPECT_EQ(lower("\u2126"), "\u03c9");   // OHM SIGN -> small omega
}

TEST(JsLowercase, CircledCapitalsBecomeCircledSmallLetters) { EXPECT_EQ(lower("Ⓐ"), "ⓐ"); }

TEST(JsLowercase, SupplementaryPlane) { EXPECT_EQ(lower("𐐀"), "𐐨"); }

TEST(JsLowercase, FinalSigma) {
  EXPECT_EQ(lower("Σ"), "σ");  // no letter before: not final
  EXPECT_EQ(lower("ΣΑΣ"), "σας");
  EXPECT_EQ(lower("ΑΣ.Β"), "ασ.β");
  EXPECT_EQ(lower("ΑΣ. Β"), "ας. β");
}

TEST(JsLowercase, LeavesUncasedTextAlone) {
  EXPECT_EQ(lower("😂 好 \u00a0"), "😂 好 \u00a0");
  EXPECT_EQ(lower("ß ﬁ"), "ß ﬁ");
}

}  // namespace
}  // namespace smlapi::afinn
