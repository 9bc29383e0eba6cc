#include "app/score_worker.h"

#include "common/json_writer.h"
#include "model/language_check.h"

#include <algorithm>

namespace smlapi::app {

using tabular::FieldValue;
using tabular::RowError;

ChunkScorer::ChunkScorer(const model::Model& model, const tabular::RowWriter& writer,
                         const tabular::JsonFields& json_fields, bool fail_fast, bool explain)
    : model_(model),
      writer_(writer),
      json_fields_(json_fields),
      fail_fast_(fail_fast),
      explain_(explain),
      scorer_(model.make_scorer()),
      outputs_(model.info().outputs.size()),
      json_values_(json_fields.size()),
      passthrough_(writer.layout().passthrough.size()) {}

std::optional<RowError> ChunkScorer::read_csv_row(const Chunk& chunk, const ChunkRow& row,
                                                  std::string_view& text) {
  const CsvColumns& columns = *chunk.columns;
  for (std::size_t i = 0; i < columns.passthrough.size(); ++i) {
    const std::size_t column = columns.passthrough[i];
    if (column < row.field_count) {
      passthrough_[i] = {FieldValue::Kind::text, chunk.field(row.first_field + column)};
    }
  }
  if (row.field_count == 0) return std::nullopt;
  // All fields at once (they sit one after another in the arena): a value passed through must
  // be UTF-8 as much as the text.
  const auto begin = chunk.fields[row.first_field].first;
  const auto& last = chunk.fields[row.first_field + row.field_count - 1];
  if (!simdjson::validate_utf8(chunk.arena.data() + begin, last.first + last.second - begin)) {
    return RowError::invalid_utf8;
  }
  if (columns.text < row.field_count) text = chunk.field(row.first_field + columns.text);
  return std::nullopt;
}

std::optional<RowError> ChunkScorer::read_row(const Chunk& chunk, const ChunkRow& row,
                                              std::string_view& text) {
  std::fill(passthrough_.begin(), passthrough_.end(), FieldValue{});
  if (row.error == RowError::row_too_long) return row.error;
  switch (chunk.format) {
    case InputFormat::lines:
      text = chunk.field(row.first_field);
      return std::nullopt;
    case InputFormat::jsonl: {
      auto extracted = json_fields_.extract(parser_, chunk.field(row.first_field), json_values_);
      // Slot 0 is the text; the rest are the passed-through fields, in the layout's order.
      std::copy(json_values_.begin() + 1, json_values_.end(), passthrough_.begin());
      if (!extracted) return extracted.error();
      text = json_values_[0].bytes;
      return std::nullopt;
    }
    case InputFormat::csv:
    case InputFormat::tsv: {
      auto error = read_csv_row(chunk, row, text);
      return row.error ? row.error : error;
    }
  }
  return std::nullopt;
}

// Scores `text` into outputs_; with --explain also its coverage, warnings and explanation.
bool ChunkScorer::score_text(std::string_view text) {
  if (!explain_) return scorer_->score(text, outputs_);
  model::Reading reading;
  explanation_.clear();
  if (!scorer_->explain(text, outputs_, reading, explanation_)) return false;
  const model::LanguageCheck check = model::check_language(text, reading);
  coverage_.clear();
  json::append_number(coverage_, check.coverage);
  warnings_.clear();
  model::append_warnings_json(warnings_, check.warnings);
  return true;
}

void ChunkScorer::score(Chunk& chunk) {
  for (const ChunkRow& row : chunk.rows) {
    std::string_view text;
    std::optional<RowError> error = read_row(chunk, row, text);
    if (!error && !score_text(text)) error = RowError::invalid_utf8;
    if (error) {
      if (fail_fast_ && chunk.failures.empty()) chunk.output_before_failure = chunk.output.size();
      chunk.failures.push_back(RowFailure{row.row, row.line, *error});
      if (fail_fast_) return;  // nothing after the first failure is written
      writer_.failed(chunk.output, passthrough_, tabular::to_string(*error));
      continue;
    }
    if (explain_) {
      const std::string_view extra[] = {coverage_, warnings_, explanation_};
      writer_.scored(chunk.output, passthrough_, model::to_string(model_.label(outputs_)), outputs_,
                     extra);
      continue;
    }
    writer_.scored(chunk.output, passthrough_, model::to_string(model_.label(outputs_)), outputs_,
                   {});
  }
}

}  // namespace smlapi::app
