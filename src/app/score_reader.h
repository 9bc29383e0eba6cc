// `score`'s reader: reads each input in turn (files, or standard input), frames its rows with
// the tabular readers and hands them on in chunks. Runs on one thread; framing is cheap next to
// parsing JSON and scoring, which the workers do.
#pragma once

#include "app/score_chunk.h"
#include "app/score_options.h"
#include "tabular/csv_reader.h"
#include "tabular/line_reader.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace smlapi::app {

struct ReadFailure {
  int exit_status = 0;  // 2: a file whose header lacks a column; 3: an input error
  std::string message;
};

class ScoreReader : tabular::LineSink, tabular::CsvSink {
 public:
  ScoreReader(const ScoreOptions& options, ChunkQueue& queue);

  // Reads every input; stops early when the queue is stopped. Closes the queue's input.
  std::optional<ReadFailure> read_all();

 private:
  std::optional<ReadFailure> read_source(std::size_t index);
  void on_line(const tabular::Line& line) override;
  void on_record(const tabular::CsvRecord& record) override;
  std::optional<ReadFailure> set_columns(const tabular::CsvRecord& record);
  void add_row(std::uint64_t line, std::span<const std::string_view> fields,
               std::optional<tabular::RowError> error);
  bool ensure_chunk();
  void submit_chunk();

  const ScoreOptions& options_;
  ChunkQueue& queue_;
  std::unique_ptr<Chunk> chunk_;
  std::uint64_t bytes_unsubmitted_ = 0;

  // The input being read.
  std::size_t source_ = 0;
  InputFormat format_ = InputFormat::lines;
  std::uint64_t rows_ = 0;
  bool header_pending_ = false;
  std::shared_ptr<const CsvColumns> columns_;
  std::optional<ReadFailure> failure_;  // found inside a callback
};

// The name of input `index` in messages: its path, or "stdin".
std::string input_name(const ScoreOptions& options, std::size_t index);

}  // namespace smlapi::app
