// build_model_registry: the models `serve` and `score` load, and the errors of VADER's lexicon
// options (option and line named, no file contents).
#include "app/model_catalog.h"

#include "result_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace smlapi::app {
namespace {

using ::smlapi::result_testing::ErrorOf;
using ::smlapi::result_testing::Succeeds;
using ::testing::HasSubstr;

class ModelCatalog : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& content) {
    const auto path = directory_ / name;
    std::ofstream(path) << content;
    return path.string();
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::filesystem::path directory_ = [] {
    auto path =
        std::filesystem::temp_directory_path() /
        ("model-catalog-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(path);
    return path;
  }();
};

TEST_F(ModelCatalog, DefaultsServeVaderFirstThenAfinn) {
  const auto registry = build_model_registry({});
  ASSERT_THAT(registry, Succeeds());
  const auto& families = (*registry)->families();
  ASSERT_EQ(families.size(), 2u);
  EXPECT_EQ(families[0].name, "vader");
  EXPECT_EQ(families[1].name, "afinn");
  EXPECT_EQ(families[0].slots.size(), 1u) << "builtin VADER once";
  EXPECT_EQ((*registry)->default_family(), "vader");
}

TEST_F(ModelCatalog, OverridesMakeANewDefaultVersionAndKeepTheBuiltin) {
  const auto registry = build_model_registry({"", write("over.txt", "chair\t2.5\n")});
  ASSERT_THAT(registry, Succeeds());
  const model::Family* vader = (*registry)->family("vader");
  ASSERT_NE(vader, nullptr);
  ASSERT_EQ(vader->slots.size(), 2u);
  const auto& changed = (*registry)->at(vader->slots[0]).info().version;
  const auto& builtin = (*registry)->at(vader->slots[1]).info().version;
  EXPECT_NE(changed, builtin);
  auto scorer = (*registry)->at(vader->slots[0]).make_scorer();
  double values[4] = {};
  ASSERT_TRUE(scorer->score("a chair", values));
  EXPECT_GT(values[3], 0.0) << "the override scores";
}

TEST_F(ModelCatalog, BadLexiconLinesAreNamedWithoutContents) {
  const auto error =
      ErrorOf(build_model_registry({"", write("bad.txt", "good\t1\nsecret-word\tnot-a-number\n")}));
  EXPECT_THAT(error.message, HasSubstr("--lexicon-overrides line 2"));
  EXPECT_THAT(error.message, ::testing::Not(HasSubstr("secret-word")));
  const auto missing = ErrorOf(build_model_registry({(directory_ / "absent").string(), ""}));
  EXPECT_EQ(missing.message, "cannot read --lexicon file");
}

}  // namespace
}  // namespace smlapi::app
