#include "app/score_reader.h"

#include "tabular/columns.h"

#include <simdjson.h>

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace smlapi::app {

namespace {

// A chunk is handed on at this many rows or arena bytes: large enough that the per-chunk
// hand-offs cost nothing, small enough that all workers get work on small inputs too.
constexpr std::size_t kChunkRows = 2048;
constexpr std::size_t kChunkBytes = std::size_t{256} << 10;
constexpr std::size_t kReadBytes = std::size_t{1} << 20;

bool is_stdin(const std::string& path) { return path == "-"; }

}  // namespace

std::string input_name(const ScoreOptions& options, std::size_t index) {
  if (options.inputs.empty() || is_stdin(options.inputs[index])) return "stdin";
  return options.inputs[index];
}

ScoreReader::ScoreReader(const ScoreOptions& options, ChunkQueue& queue)
    : options_(options), queue_(queue) {}

std::optional<ReadFailure> ScoreReader::read_all() {
  const std::size_t count = options_.inputs.empty() ? 1 : options_.inputs.size();
  std::optional<ReadFailure> failure;
  for (std::size_t i = 0; i < count && !failure && !queue_.stopped(); ++i) {
    failure = read_source(i);
  }
  if (chunk_ && !failure) submit_chunk();
  queue_.close_input();
  return failure;
}

bool ScoreReader::ensure_chunk() {
  if (chunk_) return true;
  chunk_ = queue_.acquire();
  if (!chunk_) return false;
  chunk_->source = source_;
  chunk_->format = format_;
  chunk_->columns = columns_;
  return true;
}

void ScoreReader::submit_chunk() {
  if (chunk_->format == InputFormat::jsonl) {
    chunk_->arena.append(simdjson::SIMDJSON_PADDING, ' ');  // simdjson reads past a line's end
  }
  chunk_->input_bytes = bytes_unsubmitted_;
  bytes_unsubmitted_ = 0;
  queue_.submit(std::move(chunk_));
}

void ScoreReader::add_row(std::uint64_t line, std::span<const std::string_view> fields,
                          std::optional<tabular::RowError> error) {
  if (!ensure_chunk()) return;
  ChunkRow row{++rows_, line, static_cast<std::uint32_t>(chunk_->fields.size()),
               static_cast<std::uint32_t>(fields.size()), error};
  for (std::string_view field : fields) {
    chunk_->fields.emplace_back(static_cast<std::uint32_t>(chunk_->arena.size()),
                                static_cast<std::uint32_t>(field.size()));
    chunk_->arena.append(field);
  }
  chunk_->rows.push_back(row);
  if (chunk_->rows.size() >= kChunkRows || chunk_->arena.size() >= kChunkBytes) submit_chunk();
}

void ScoreReader::on_line(const tabular::Line& line) {
  if (line.too_long) {
    add_row(line.number, {}, tabular::RowError::row_too_long);
    return;
  }
  if (format_ == InputFormat::jsonl &&
      line.text.find_first_not_of(" \t\r") == std::string_view::npos) {
    return;  // blank lines between JSON lines are no rows
  }
  const std::string_view text = line.text;
  add_row(line.number, std::span<const std::string_view>(&text, 1), std::nullopt);
}

std::optional<ReadFailure> ScoreReader::set_columns(const tabular::CsvRecord& record) {
  const std::string name = input_name(options_, source_);
  if (record.error) {
    return ReadFailure{2, name + ": line " + std::to_string(record.line) + ": the first record " +
                              (header_pending_ ? "(the header) " : "") +
                              "is unusable: " + std::string(tabular::describe(*record.error))};
  }
  const std::span<const std::string_view> header =
      options_.header ? record.fields : std::span<const std::string_view>{};
  auto columns = std::make_shared<CsvColumns>();
  columns->field_count = record.fields.size();
  const auto resolve = [&](const std::string& spec) -> std::optional<std::size_t> {
    return tabular::resolve_column(spec, header, columns->field_count);
  };
  std::optional<std::size_t> text;
  if (!options_.field.empty()) {
    text = resolve(options_.field);
  } else {
    text = resolve("text");
    if (!text && (columns->field_count == 1 || !options_.header)) text = 0;
  }
  if (!text) {
    return ReadFailure{2, name + ": no column '" +
                              (options_.field.empty() ? std::string("text") : options_.field) +
                              "' (name the text column with --column NAME or a 1-based index)"};
  }
  columns->text = *text;
  std::vector<std::string> wanted = options_.keep;
  if (!options_.id_field.empty()) wanted.insert(wanted.begin(), options_.id_field);
  for (const std::string& spec : wanted) {
    auto column = resolve(spec);
    if (!column) return ReadFailure{2, name + ": no column '" + spec + "'"};
    columns->passthrough.push_back(*column);
  }
  columns_ = std::move(columns);
  if (chunk_) chunk_->columns = columns_;  // a chunk started before the header (none yet)
  return std::nullopt;
}

void ScoreReader::on_record(const tabular::CsvRecord& record) {
  if (failure_) return;
  if (!columns_) {
    failure_ = set_columns(record);
    if (failure_) return;
    if (options_.header) return;  // the header is no row
  }
  std::optional<tabular::RowError> error = record.error;
  if (!error && record.fields.size() != columns_->field_count) {
    error = tabular::RowError::column_count;
  }
  add_row(record.line, record.fields, error);
}

std::optional<ReadFailure> ScoreReader::read_source(std::size_t index) {
  const std::string path = options_.inputs.empty() ? "-" : options_.inputs[index];
  const std::string name = input_name(options_, index);
  int fd = 0;
  if (!is_stdin(path)) {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ReadFailure{2, name + ": cannot open: " + std::strerror(errno)};
  }
  // Rows of different inputs never share a chunk: a chunk knows its input's format and columns.
  if (chunk_) submit_chunk();
  source_ = index;
  format_ = input_format(options_, path);
  rows_ = 0;
  columns_.reset();
  failure_.reset();
  header_pending_ = options_.header;
  tabular::LineReader lines(options_.max_row_bytes);
  tabular::CsvReader csv(format_ == InputFormat::tsv ? '\t' : ',', options_.max_row_bytes);
  const bool tabular_format = format_ == InputFormat::csv || format_ == InputFormat::tsv;
  std::string buffer(kReadBytes, '\0');
  std::optional<ReadFailure> result;
  while (!failure_ && !queue_.stopped()) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      result = ReadFailure{3, name + ": read error: " + std::strerror(errno)};
      break;
    }
    bytes_unsubmitted_ += static_cast<std::uint64_t>(got);
    const std::string_view piece(buffer.data(), static_cast<std::size_t>(got));
    if (got == 0) {
      tabular_format ? csv.finish(*this) : lines.finish(*this);
      break;
    }
    tabular_format ? csv.feed(piece, *this) : lines.feed(piece, *this);
  }
  if (fd != 0) ::close(fd);
  if (failure_) return failure_;
  return result;
}

}  // namespace smlapi::app
