// The output writers: JSON lines and CSV, scored and failed rows, passed-through values.
#include "tabular/row_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace smlapi::tabular {
namespace {

OutputLayout vader_layout(std::vector<std::string> passthrough) {
  return OutputLayout{std::move(passthrough),
                      {{"neg", false}, {"neu", false}, {"pos", false}, {"compound", false}},
                      {}};
}

const std::vector<double> kScores{0.0, 0.4, 0.6, 0.6696};

TEST(RowWriter, JsonLinesScoredAndFailed) {
  RowWriter writer(OutputFormat::jsonl, vader_layout({"id", "lang"}));
  std::string out;
  writer.begin(out);
  const std::vector<FieldValue> values{{FieldValue::Kind::json, "7"},
                                       {FieldValue::Kind::text, "e\"n"}};
  writer.scored(out, values, "POSITIVE", kScores, {});
  writer.failed(out, std::vector<FieldValue>{{FieldValue::Kind::text, "x"}, {}}, "invalid_json");
  EXPECT_EQ(out,
            "{\"id\":7,\"lang\":\"e\\\"n\",\"label\":\"POSITIVE\",\"neg\":0.0,\"neu\":0.4,"
            "\"pos\":0.6,\"compound\":0.6696}\n"
            "{\"id\":\"x\",\"lang\":null,\"error\":\"invalid_json\"}\n");
}

TEST(RowWriter, CsvQuotesWhatNeedsIt) {
  RowWriter writer(OutputFormat::csv, vader_layout({"id", "note"}));
  std::string out;
  writer.begin(out);
  const std::vector<FieldValue> values{{FieldValue::Kind::text, "a,b"},
                                       {FieldValue::Kind::text, "say \"hi\"\nbye"}};
  writer.scored(out, values, "NEUTRAL", kScores, {});
  writer.failed(out, std::vector<FieldValue>{{FieldValue::Kind::json, "[1,2]"}, {}},
                "column_count");
  EXPECT_EQ(out,
            "id,note,label,neg,neu,pos,compound,error\n"
            "\"a,b\",\"say \"\"hi\"\"\nbye\",NEUTRAL,0.0,0.4,0.6,0.6696,\n"
            "\"[1,2]\",,,,,,,column_count\n");
}

TEST(RowWriter, IntegerOutputsAndExtraFields) {
  OutputLayout layout{{}, {{"score", true}, {"comparative", false}}, {"explain"}};
  RowWriter jsonl(OutputFormat::jsonl, layout);
  RowWriter csv(OutputFormat::csv, layout);
  const std::vector<double> values{3.0, 1.5};
  const std::vector<std::string_view> extra{"{\"a\":1}"};
  std::string out;
  jsonl.scored(out, {}, "POSITIVE", values, extra);
  EXPECT_EQ(out,
            "{\"label\":\"POSITIVE\",\"score\":3,\"comparative\":1.5,\"explain\":{\"a\":1}}\n");
  out.clear();
  csv.begin(out);
  csv.scored(out, {}, "POSITIVE", values, extra);
  csv.failed(out, {}, "invalid_utf8");
  EXPECT_EQ(out,
            "label,score,comparative,explain,error\n"
            "POSITIVE,3,1.5,\"{\"\"a\"\":1}\",\n"
            ",,,,invalid_utf8\n");
}

}  // namespace
}  // namespace smlapi::tabular
