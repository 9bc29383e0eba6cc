// `score`'s pipeline: the reader (this thread) frames rows into chunks, N workers score them,
// one writer thread writes them in input order, reports failed rows and shows progress.
#pragma once

#include "app/score_options.h"
#include "model/model.h"
#include "tabular/json_fields.h"
#include "tabular/row_writer.h"

#include <cstdint>

namespace smlapi::app {

struct ScoreJob {
  const ScoreOptions& options;
  const model::Model& model;
  const tabular::RowWriter& writer;
  const tabular::JsonFields& json_fields;
  int output_fd = 1;
  unsigned threads = 1;
};

struct ScoreSummary {
  std::uint64_t rows = 0;    // rows written (scored or failed)
  std::uint64_t failed = 0;  // rows that could not be scored
  int exit_status = 0;       // 0, 1 (rows failed), 2 (usage, found in a file), 3 (I/O error)
};

ScoreSummary run_score_pipeline(const ScoreJob& job);

}  // namespace smlapi::app
