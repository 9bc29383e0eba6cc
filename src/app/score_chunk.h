// What flows through `score`'s pipeline: chunks of rows, read in input order by the reader,
// scored by any worker, written back in input order by the writer. A fixed pool of chunks
// circulates (reader -> workers -> writer -> reader), so memory stays bounded whatever the
// input size: at most pool-size chunks exist, each a few hundred KiB (one row may make a chunk
// as large as --max-row-bytes).
#pragma once

#include "app/score_options.h"
#include "tabular/row_error.h"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smlapi::app {

// Where a CSV/TSV file's text and passed-through values are (0-based columns), fixed by its
// header or first record.
struct CsvColumns {
  std::size_t text = 0;
  std::vector<std::size_t> passthrough;  // id first, then --keep
  std::size_t field_count = 0;
};

struct ChunkRow {
  std::uint64_t row = 0;   // 1-based within its file (a CSV header is not a row)
  std::uint64_t line = 0;  // 1-based line the row starts on
  std::uint32_t first_field = 0;
  std::uint32_t field_count = 0;
  std::optional<tabular::RowError> error;  // found while reading (CSV, too long)
};

struct RowFailure {
  std::uint64_t row = 0;
  std::uint64_t line = 0;
  tabular::RowError error{};
};

struct Chunk {
  std::uint64_t sequence = 0;
  std::size_t source = 0;  // index of the input it came from
  InputFormat format = InputFormat::lines;
  std::shared_ptr<const CsvColumns> columns;  // CSV/TSV
  std::string arena;  // the rows' field bytes; JSON lines: followed by simdjson's padding
  std::vector<std::pair<std::uint32_t, std::uint32_t>> fields;  // offset, size in arena
  std::vector<ChunkRow> rows;
  std::uint64_t input_bytes = 0;  // input bytes read for this chunk (progress)

  // Filled by the worker.
  std::string output;
  std::vector<RowFailure> failures;
  std::size_t output_before_failure = 0;  // --on-error fail: output before the first failure

  std::string_view field(std::size_t index) const {
    return {arena.data() + fields[index].first, fields[index].second};
  }
  void clear();
};

class ChunkQueue {
 public:
  explicit ChunkQueue(std::size_t pool_size);

  // Reader: a free chunk (blocks while all are in flight); null once stopped.
  std::unique_ptr<Chunk> acquire();
  void submit(std::unique_ptr<Chunk> chunk);
  void close_input();  // no more chunks will be submitted

  // Worker: the next chunk to score; null when the input is over (or stopped).
  std::unique_ptr<Chunk> take_work();
  void complete(std::unique_ptr<Chunk> chunk);

  // Writer: the next chunk in input order. `chunk` stays null on timeout (for the progress
  // line); returns false when every chunk has been handed out or the run was stopped.
  bool next_in_order(std::unique_ptr<Chunk>& chunk, std::chrono::milliseconds timeout);
  void release(std::unique_ptr<Chunk> chunk);

  void stop();  // --on-error fail, an output error: everyone stops at their next step
  bool stopped() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable free_changed_, work_changed_, done_changed_;
  std::vector<std::unique_ptr<Chunk>> free_;
  std::deque<std::unique_ptr<Chunk>> work_;
  std::map<std::uint64_t, std::unique_ptr<Chunk>> done_;
  std::uint64_t submitted_ = 0;  // sequence of the next submitted chunk
  std::uint64_t written_ = 0;    // sequence of the next chunk the writer wants
  bool input_closed_ = false;
  bool stopped_ = false;
};

}  // namespace smlapi::app
