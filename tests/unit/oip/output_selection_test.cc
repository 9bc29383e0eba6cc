// select_outputs: a request's output names checked against the model's own outputs.
#include "oip/output_selection.h"

#include "result_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace smlapi::oip {
namespace {

using ::smlapi::result_testing::ErrorOf;
using ::smlapi::result_testing::Succeeds;

const model::ModelInfo kModel{"m",
                              "1",
                              "p",
                              {{"neg", model::Datatype::fp64, ""},
                               {"compound", model::Datatype::fp64, ""},
                               {"count", model::Datatype::int64, ""}},
                              1};

TEST(SelectOutputs, NoNameSelectsEveryOutputInDeclarationOrder) {
  std::vector<OutputColumn> columns;
  ASSERT_THAT(select_outputs(kModel, {}, columns), Succeeds());
  ASSERT_EQ(columns.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(columns[i].column, i);
    EXPECT_EQ(columns[i].spec, &kModel.outputs[i]);
  }
}

TEST(SelectOutputs, NamedOutputsInTheRequestedOrder) {
  std::vector<OutputColumn> columns = {{nullptr, 9}};  // cleared first
  const std::vector<std::string> requested = {"count", "neg"};
  ASSERT_THAT(select_outputs(kModel, requested, columns), Succeeds());
  ASSERT_EQ(columns.size(), 2u);
  EXPECT_EQ(columns[0].column, 2u);
  EXPECT_EQ(columns[1].column, 0u);
}

TEST(SelectOutputs, UnknownNameIsA400ListingTheModelsOutputs) {
  std::vector<OutputColumn> columns;
  const std::vector<std::string> requested = {"neg", "label"};
  const OipError error = ErrorOf(select_outputs(kModel, requested, columns));
  EXPECT_EQ(error.kind, OipErrorKind::bad_request);
  EXPECT_EQ(error.message, "unknown output name: the outputs are neg, compound, count");
}

}  // namespace
}  // namespace smlapi::oip
