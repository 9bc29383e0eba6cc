// `score`'s worker: turns one chunk of rows into output rows and failures. Each worker thread
// owns one, with its own Scorer (scorers keep scratch buffers and are not thread-safe) and its
// own JSON parser.
#pragma once

#include "app/score_chunk.h"
#include "model/model.h"
#include "tabular/field_value.h"
#include "tabular/json_fields.h"
#include "tabular/row_writer.h"

#include <simdjson.h>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace smlapi::app {

class ChunkScorer {
 public:
  // `json_fields` reads JSON lines: the text first, then the passed-through fields.
  ChunkScorer(const model::Model& model, const tabular::RowWriter& writer,
              const tabular::JsonFields& json_fields, bool fail_fast, bool explain = false);

  void score(Chunk& chunk);

 private:
  // The row's text and passed-through values (in passthrough_), or why there are none.
  std::optional<tabular::RowError> read_row(const Chunk& chunk, const ChunkRow& row,
                                            std::string_view& text);
  bool score_text(std::string_view text);
  std::optional<tabular::RowError> read_csv_row(const Chunk& chunk, const ChunkRow& row,
                                                std::string_view& text);

  const model::Model& model_;
  const tabular::RowWriter& writer_;
  const tabular::JsonFields& json_fields_;
  bool fail_fast_;
  bool explain_;
  std::string explanation_;  // scratch: the row's explanation, coverage and warnings as JSON
  std::string coverage_;
  std::string warnings_;
  std::unique_ptr<model::Scorer> scorer_;
  std::vector<double> outputs_;
  simdjson::ondemand::parser parser_;
  std::vector<tabular::FieldValue> json_values_;
  std::vector<tabular::FieldValue> passthrough_;
};

}  // namespace smlapi::app
