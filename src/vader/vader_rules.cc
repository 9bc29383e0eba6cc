#include "vader/vader_rules.h"

namespace smlapi::vader::rules {
namespace {

constexpr double kInc = kBoosterIncrement;
constexpr double kDec = kBoosterDecrement;

constexpr BoosterWord kBoosters[] = {
    {"absolutely", kInc},    {"amazingly", kInc},    {"awfully", kInc},
    {"completely", kInc},    {"considerable", kInc}, {"considerably", kInc},
    {"decidedly", kInc},     {"deeply", kInc},       {"effing", kInc},
    {"enormous", kInc},      {"enormously", kInc},   {"entirely", kInc},
    {"especially", kInc},    {"exceptional", kInc},  {"exceptionally", kInc},
    {"extreme", kInc},       {"extremely", kInc},    {"fabulously", kInc},
    {"flipping", kInc},      {"flippin", kInc},      {"frackin", kInc},
    {"fracking", kInc},      {"fricking", kInc},     {"frickin", kInc},
    {"frigging", kInc},      {"friggin", kInc},      {"fully", kInc},
    {"fuckin", kInc},        {"fucking", kInc},      {"fuggin", kInc},
    {"fugging", kInc},       {"greatly", kInc},      {"hella", kInc},
    {"highly", kInc},        {"hugely", kInc},       {"incredible", kInc},
    {"incredibly", kInc},    {"intensely", kInc},    {"major", kInc},
    {"majorly", kInc},       {"more", kInc},         {"most", kInc},
    {"particularly", kInc},  {"purely", kInc},       {"quite", kInc},
    {"really", kInc},        {"remarkably", kInc},   {"so", kInc},
    {"substantially", kInc}, {"thoroughly", kInc},   {"total", kInc},
    {"totally", kInc},       {"tremendous", kInc},   {"tremendously", kInc},
    {"uber", kInc},          {"unbelievably", kInc}, {"unusually", kInc},
    {"utter", kInc},         {"utterly", kInc},      {"very", kInc},
    {"almost", kDec},        {"barely", kDec},       {"hardly", kDec},
    {"kinda", kDec},         {"kindof", kDec},       {"kind-of", kDec},
    {"less", kDec},          {"little", kDec},       {"marginal", kDec},
    {"marginally", kDec},    {"occasional", kDec},   {"occasionally", kDec},
    {"partly", kDec},        {"scarce", kDec},       {"scarcely", kDec},
    {"slight", kDec},        {"slightly", kDec},     {"somewhat", kDec},
    {"sorta", kDec},         {"sortof", kDec},       {"sort-of", kDec},
};

constexpr std::string_view kNegations[] = {
    "aint",   "arent",    "cannot",  "cant",     "couldnt",  "darent",   "didnt",   "doesnt",
    "ain't",  "aren't",   "can't",   "couldn't", "daren't",  "didn't",   "doesn't", "dont",
    "hadnt",  "hasnt",    "havent",  "isnt",     "mightnt",  "mustnt",   "neither", "don't",
    "hadn't", "hasn't",   "haven't", "isn't",    "mightn't", "mustn't",  "neednt",  "needn't",
    "never",  "none",     "nope",    "nor",      "not",      "nothing",  "nowhere", "oughtnt",
    "shant",  "shouldnt", "uhuh",    "wasnt",    "werent",   "oughtn't", "shan't",  "shouldn't",
    "uh-uh",  "wasn't",   "weren't", "without",  "wont",     "wouldnt",  "won't",   "wouldn't",
    "rarely", "seldom",   "despite"};

constexpr KeywordName kKeywords[] = {
    {"no", Keyword::no},           {"kind", Keyword::kind},       {"of", Keyword::of},
    {"least", Keyword::least},     {"at", Keyword::at},           {"very", Keyword::very},
    {"never", Keyword::never},     {"so", Keyword::so},           {"this", Keyword::this_},
    {"without", Keyword::without}, {"doubt", Keyword::doubt},     {"but", Keyword::but},
    {"or", Keyword::or_},          {"nor", Keyword::nor},         {"the", Keyword::the},
    {"shit", Keyword::shit},       {"bomb", Keyword::bomb},       {"bad", Keyword::bad},
    {"ass", Keyword::ass},         {"bus", Keyword::bus},         {"stop", Keyword::stop},
    {"yeah", Keyword::yeah},       {"right", Keyword::right},     {"kiss", Keyword::kiss},
    {"death", Keyword::death},     {"to", Keyword::to},           {"die", Keyword::die},
    {"for", Keyword::for_},        {"beating", Keyword::beating}, {"heart", Keyword::heart},
    {"broken", Keyword::broken},   {"just", Keyword::just},       {"enough", Keyword::enough},
    {"sort", Keyword::sort},
};

}  // namespace

std::span<const BoosterWord> single_word_boosters() { return kBoosters; }
std::span<const std::string_view> negation_words() { return kNegations; }
std::span<const KeywordName> keyword_names() { return kKeywords; }

std::optional<double> special_case(Keyword first, Keyword second) {
  using K = Keyword;
  if (first == K::none || second == K::none) return std::nullopt;
  if (first == K::the && second == K::shit) return 3;
  if (first == K::the && second == K::bomb) return 3;
  if (first == K::bad && second == K::ass) return 1.5;
  if (first == K::bus && second == K::stop) return 0.0;
  if (first == K::yeah && second == K::right) return -2;
  if (first == K::beating && second == K::heart) return 3.1;
  if (first == K::broken && second == K::heart) return -2.9;
  return std::nullopt;
}

std::optional<double> special_case(Keyword first, Keyword second, Keyword third) {
  using K = Keyword;
  if (first == K::none || second == K::none || third == K::none) return std::nullopt;
  if (first == K::kiss && second == K::of && third == K::death) return -1.5;
  if (first == K::to && second == K::die && third == K::for_) return 3;
  return std::nullopt;
}

std::optional<double> booster_bigram(Keyword first, Keyword second) {
  using K = Keyword;
  if (first == K::none || second == K::none) return std::nullopt;
  if (first == K::just && second == K::enough) return kDec;
  if (first == K::kind && second == K::of) return kDec;
  if (first == K::sort && second == K::of) return kDec;
  return std::nullopt;
}

}  // namespace smlapi::vader::rules
