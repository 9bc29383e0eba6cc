// Rule-by-rule expectations. Every value below is the output of vaderSentiment 3.3.2 (Python)
// for that text, copied here so these tests do not need the shared vector file.
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "vader/sentiment_analyzer.h"

namespace smlapi::vader {
namespace {

struct Case {
  std::string_view text;
  PolarityScores expected;
};

void expect_reference_scores(const std::vector<Case>& cases) {
  SentimentAnalyzer analyzer(Model::builtin());
  for (const auto& c : cases) {
    const auto scores = analyzer.polarity_scores(c.text);
    ASSERT_TRUE(scores.has_value()) << testing::PrintToString(c.text);
    EXPECT_EQ(scores->neg, c.expected.neg) << testing::PrintToString(c.text);
    EXPECT_EQ(scores->neu, c.expected.neu) << testing::PrintToString(c.text);
    EXPECT_EQ(scores->pos, c.expected.pos) << testing::PrintToString(c.text);
    EXPECT_EQ(scores->compound, c.expected.compound) << testing::PrintToString(c.text);
  }
}

// The reference's own README sentences (several rules at once).
TEST(VaderRules, ReadmeExamples) {
  expect_reference_scores({
      {"VADER is smart, handsome, and funny.", {0.0, 0.254, 0.746, 0.8316}},
      {"VADER is smart, handsome, and funny!", {0.0, 0.248, 0.752, 0.8439}},
      {"VADER is very smart, handsome, and funny.", {0.0, 0.299, 0.701, 0.8545}},
      {"VADER is VERY SMART, handsome, and FUNNY.", {0.0, 0.246, 0.754, 0.9227}},
      {"VADER is VERY SMART, handsome, and FUNNY!!!", {0.0, 0.233, 0.767, 0.9342}},
      {"VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", {0.0, 0.294, 0.706, 0.9469}},
      {"VADER is not smart, handsome, nor funny.", {0.646, 0.354, 0.0, -0.7424}},
      {"The book was good.", {0.0, 0.508, 0.492, 0.4404}},
      {"At least it isn't a horrible book.", {0.0, 0.678, 0.322, 0.431}},
      {"The book was only kind of good.", {0.0, 0.697, 0.303, 0.3832}},
      {"The plot was good, but the characters are uncompelling and the dialog is not great.",
       {0.327, 0.579, 0.094, -0.7042}},
      {"Today SUX!", {0.779, 0.221, 0.0, -0.5461}},
      {"Today only kinda sux! But I'll get by, lol", {0.127, 0.556, 0.317, 0.5249}},
      {"Make sure you :) or :D today!", {0.0, 0.294, 0.706, 0.8633}},
      {"Catch utf-8 emoji such as \xF0"
       "\x9F"
       "\x92"
       "\x98"
       " and \xF0"
       "\x9F"
       "\x92"
       "\x8B"
       " and \xF0"
       "\x9F"
       "\x98"
       "\x81"
       "",
       {0.0, 0.583, 0.417, 0.875}},
      {"Not bad at all", {0.0, 0.513, 0.487, 0.431}},
  });
}

// No words: all zero; punctuation-only tokens are neutral.
TEST(VaderRules, EmptyAndPunctuationOnly) {
  expect_reference_scores({
      {"", {0.0, 0.0, 0.0, 0.0}},
      {" ", {0.0, 0.0, 0.0, 0.0}},
      {"!!!", {0.0, 1.0, 0.0, 0.0}},
      {"???", {0.0, 1.0, 0.0, 0.0}},
  });
}

// Lexicon lookups are lowercased; one word cannot be 'different' caps.
TEST(VaderRules, SingleWordsAndCase) {
  expect_reference_scores({
      {"good", {0.0, 0.0, 1.0, 0.4404}},
      {"GOOD", {0.0, 0.0, 1.0, 0.4404}},
      {"Good!", {0.0, 0.0, 1.0, 0.4926}},
  });
}

// 'no' negates up to three words ahead and loses its own valence before a lexicon word.
TEST(VaderRules, NoAsNegation) {
  expect_reference_scores({
      {"no", {1.0, 0.0, 0.0, -0.296}},
      {"no good", {0.706, 0.294, 0.0, -0.3412}},
      {"no no no", {0.0, 0.209, 0.791, 0.4168}},
      {"not not good", {0.0, 0.495, 0.505, 0.2594}},
      {"no or good", {0.822, 0.178, 0.0, -0.5583}},
      {"no nor good", {0.42, 0.191, 0.389, -0.0412}},
      {"no way good", {0.822, 0.178, 0.0, -0.5583}},
  });
}

// 'but': halve before, 1.5x after, with the list.index() quirk on repeated values.
TEST(VaderRules, ContrastiveBut) {
  expect_reference_scores({
      {"good but good", {0.0, 0.147, 0.853, 0.7003}},
      {"bad but bad but bad", {0.855, 0.145, 0.0, -0.9144}},
      {"but", {0.0, 1.0, 0.0, 0.0}},
      {"good but", {0.0, 0.339, 0.661, 0.2382}},
      {"but good", {0.0, 0.206, 0.794, 0.5927}},
      {"great great great but great", {0.0, 0.07, 0.93, 0.9231}},
  });
}

// Single code point emoji become their description, spaced as the reference does.
TEST(VaderRules, EmojiSubstitution) {
  expect_reference_scores({
      {"I love it \xF0"
       "\x9F"
       "\x98"
       "\x8D"
       "\xF0"
       "\x9F"
       "\x98"
       "\x8D"
       "\xF0"
       "\x9F"
       "\x98"
       "\x8D"
       "",
       {0.0, 0.455, 0.545, 0.9217}},
      {"\xF0"
       "\x9F"
       "\x98"
       "\x81"
       "",
       {0.0, 0.571, 0.429, 0.4588}},
      {"\xF0"
       "\x9F"
       "\x92"
       "\x98"
       "\xF0"
       "\x9F"
       "\x92"
       "\x8B"
       "",
       {0.0, 0.3, 0.7, 0.7906}},
      {"a\xF0"
       "\x9F"
       "\x98"
       "\x81"
       "b",
       {0.0, 0.625, 0.375, 0.4588}},
      {"word\xF0"
       "\x9F"
       "\x98"
       "\x81"
       "",
       {0.0, 0.625, 0.375, 0.4588}},
      {"\xF0"
       "\x9F"
       "\x98"
       "\x81"
       "word",
       {0.0, 0.571, 0.429, 0.4588}},
      {"\xF0"
       "\x9F"
       "\x92"
       "\x94"
       " broken heart",
       {0.425, 0.0, 0.575, 0.4939}},
  });
}

// SPECIAL_CASES idioms (only reached from the third word on).
TEST(VaderRules, SpecialIdioms) {
  expect_reference_scores({
      {"it is the shit", {0.0, 0.429, 0.571, 0.6124}},
      {"this is the bomb!", {0.0, 0.411, 0.589, 0.6476}},
      {"yeah right", {0.0, 0.312, 0.688, 0.296}},
      {"kiss of death", {0.506, 0.13, 0.364, -0.2732}},
      {"to die for", {0.661, 0.339, 0.0, -0.5994}},
      {"beating heart", {0.417, 0.0, 0.583, 0.296}},
      {"bus stop", {0.688, 0.312, 0.0, -0.296}},
      {"bad ass", {1.0, 0.0, 0.0, -0.7906}},
  });
}

// Entries where the reference lexicon differs from the npm copy.
TEST(VaderRules, ModelDataDifferencesFromNpm) {
  expect_reference_scores({
      {"badass", {0.0, 0.0, 1.0, 0.34}},
      {"heart", {0.0, 0.0, 1.0, 0.6369}},
      {"hearts", {0.0, 0.0, 1.0, 0.6486}},
      {"flawed", {1.0, 0.0, 0.0, -0.4767}},
  });
}

// 'least' negates unless preceded by 'at' or 'very'.
TEST(VaderRules, Least) {
  expect_reference_scores({
      {"at least good", {0.0, 0.408, 0.592, 0.4404}},
      {"very least good", {0.0, 0.386, 0.614, 0.4902}},
      {"least good", {0.706, 0.294, 0.0, -0.3412}},
  });
}

// 'never so/this' amplifies; 'without (a) doubt' does not negate.
TEST(VaderRules, NeverSoThisAndWithoutDoubt) {
  expect_reference_scores({
      {"never so good", {0.0, 0.348, 0.652, 0.5777}},
      {"never this bad", {0.673, 0.327, 0.0, -0.628}},
      {"without doubt good", {0.0, 0.166, 0.834, 0.6136}},
      {"without a doubt good", {0.0, 0.285, 0.715, 0.6136}},
      {"this good", {0.0, 0.256, 0.744, 0.4404}},
      {"never so", {0.0, 1.0, 0.0, 0.0}},
  });
}

// 'kind of', 'sort of', 'kinda', 'just enough'.
TEST(VaderRules, DampenersAndKindOf) {
  expect_reference_scores({
      {"kind of good", {0.0, 0.408, 0.592, 0.4404}},
      {"sort of bad", {0.636, 0.364, 0.0, -0.5423}},
      {"kinda great", {0.0, 0.208, 0.792, 0.5868}},
      {"just enough good", {0.0, 0.408, 0.592, 0.4404}},
  });
}

// NEGATE words and any word containing n't.
TEST(VaderRules, Negations) {
  expect_reference_scores({
      {"I didn't like it", {0.413, 0.587, 0.0, -0.2755}},
      {"I did n't like it", {0.345, 0.655, 0.0, -0.2755}},
      {"uh-uh good", {0.706, 0.294, 0.0, -0.3412}},
      {"nope, bad", {0.0, 0.26, 0.74, 0.431}},
      {"not bad at all", {0.0, 0.513, 0.487, 0.431}},
  });
}

// ALL CAPS words and boosters get C_INCR only when some words are not caps.
TEST(VaderRules, AllCapsDifferential) {
  expect_reference_scores({
      {"I LOVE it", {0.0, 0.288, 0.712, 0.7125}},
      {"I LOVE IT", {0.0, 0.323, 0.677, 0.6369}},
      {"i love IT", {0.0, 0.323, 0.677, 0.6369}},
      {"VERY good", {0.0, 0.203, 0.797, 0.6028}},
      {"very GOOD", {0.0, 0.203, 0.797, 0.6028}},
      {"VERY GOOD really", {0.0, 0.3, 0.7, 0.6867}},
      {"so good", {0.0, 0.238, 0.762, 0.4927}},
      {"SO good", {0.0, 0.203, 0.797, 0.6028}},
  });
}

// Emoticons survive punctuation stripping (two or fewer characters left).
TEST(VaderRules, Emoticons) {
  expect_reference_scores({
      {":)", {0.0, 0.0, 1.0, 0.4588}},
      {":-)", {0.0, 0.0, 1.0, 0.3182}},
      {":(", {1.0, 0.0, 0.0, -0.4404}},
      {":'(", {1.0, 0.0, 0.0, -0.4939}},
      {"<3", {0.0, 0.0, 1.0, 0.4404}},
      {"</3", {1.0, 0.0, 0.0, -0.6124}},
      {"(:", {0.0, 0.0, 1.0, 0.4939}},
      {":D", {0.0, 0.0, 1.0, 0.5106}},
      {"XD", {0.0, 0.0, 1.0, 0.5859}},
      {"lol", {0.0, 0.0, 1.0, 0.4215}},
      {"LOL", {0.0, 0.0, 1.0, 0.4215}},
      {"rofl", {0.0, 0.0, 1.0, 0.5719}},
      {"haha", {0.0, 0.0, 1.0, 0.4588}},
      {"wtf", {1.0, 0.0, 0.0, -0.5859}},
      {"omg", {0.0, 1.0, 0.0, 0.0}},
      {"sux", {1.0, 0.0, 0.0, -0.3612}},
      {"meh", {1.0, 0.0, 0.0, -0.0772}},
      {"ugh", {1.0, 0.0, 0.0, -0.4215}},
  });
}

// '!' up to four, '?' 2-3 counted, more capped.
TEST(VaderRules, PunctuationEmphasis) {
  expect_reference_scores({
      {"good, good, good!!!", {0.0, 0.0, 1.0, 0.8617}},
      {"good!!!!!!!!!!", {0.0, 0.0, 1.0, 0.6209}},
      {"good??", {0.0, 0.0, 1.0, 0.504}},
      {"good????", {0.0, 0.0, 1.0, 0.594}},
      {"good?", {0.0, 0.0, 1.0, 0.4404}},
      {"bad???", {1.0, 0.0, 0.0, -0.6174}},
      {"bad!!", {1.0, 0.0, 0.0, -0.6229}},
      {"The food was amazing... NOT", {0.0, 0.513, 0.487, 0.5859}},
  });
}

// str.split() on whitespace, strip(string.punctuation) at both ends only.
TEST(VaderRules, Tokenization) {
  expect_reference_scores({
      {"a", {0.0, 1.0, 0.0, 0.0}},
      {"aa", {0.0, 1.0, 0.0, 0.0}},
      {"a b c", {0.0, 1.0, 0.0, 0.0}},
      {"e.g. good", {0.0, 0.256, 0.744, 0.4404}},
      {"good.bad", {0.0, 1.0, 0.0, 0.0}},
      {"good/bad", {0.0, 1.0, 0.0, 0.0}},
      {"good-bad", {0.0, 1.0, 0.0, 0.0}},
      {"'good'", {0.0, 0.0, 1.0, 0.4404}},
      {"\"good\"", {0.0, 0.0, 1.0, 0.4404}},
      {"(good)", {0.0, 0.0, 1.0, 0.4404}},
      {"[bad]", {1.0, 0.0, 0.0, -0.5423}},
      {"--good--", {0.0, 0.0, 1.0, 0.4404}},
      {"good\x09"
       "bad",
       {0.547, 0.0, 0.453, -0.1531}},
      {"good\x0A"
       "bad",
       {0.547, 0.0, 0.453, -0.1531}},
  });
}

// Python lower()/isupper() on non-ASCII words.
TEST(VaderRules, UnicodeCase) {
  expect_reference_scores({
      {"\xC3"
       "\x89"
       "NORME good",
       {0.0, 0.256, 0.744, 0.4404}},
      {"caf\xC3"
       "\xA9"
       " is nice",
       {0.0, 0.417, 0.583, 0.4215}},
      {"\xCE"
       "\xA3"
       "\xCE"
       "\x9F"
       "\xCE"
       "\xA6"
       "\xCE"
       "\x9F"
       "\xCE"
       "\xA3"
       " good",
       {0.0, 0.256, 0.744, 0.4404}},
      {"stra\xC3"
       "\x9F"
       "e good",
       {0.0, 0.256, 0.744, 0.4404}},
  });
}

}  // namespace
}  // namespace smlapi::vader
