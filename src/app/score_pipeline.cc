#include "app/score_pipeline.h"

#include "app/score_chunk.h"
#include "app/score_progress.h"
#include "app/score_reader.h"
#include "app/score_worker.h"

#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace smlapi::app {

namespace {

// Chunks in flight per worker: one being scored, one waiting, one being written or reordered.
constexpr std::size_t kChunksPerWorker = 3;

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// The sum of the inputs' sizes when all are regular files (the progress line's ETA), else 0.
std::uint64_t total_input_bytes(const ScoreOptions& options) {
  std::uint64_t total = 0;
  const std::size_t count = options.inputs.empty() ? 1 : options.inputs.size();
  for (std::size_t i = 0; i < count; ++i) {
    struct stat info {};
    const bool from_stdin = options.inputs.empty() || options.inputs[i] == "-";
    const int status = from_stdin ? ::fstat(0, &info) : ::stat(options.inputs[i].c_str(), &info);
    if (status != 0 || !S_ISREG(info.st_mode)) return 0;
    total += static_cast<std::uint64_t>(info.st_size);
  }
  return total;
}

// The writer thread's work: output in input order, one stderr line per failed row.
class OrderedWriter {
 public:
  OrderedWriter(const ScoreJob& job, ChunkQueue& queue)
      : job_(job), queue_(queue), progress_(true, total_input_bytes(job.options)) {}

  void run() {
    std::string header;
    job_.writer.begin(header);
    if (!write_all(job_.output_fd, header)) return output_failed();
    while (true) {
      std::unique_ptr<Chunk> chunk;
      if (!queue_.next_in_order(chunk, std::chrono::milliseconds(250))) break;
      if (chunk) {
        write_chunk(*chunk);
        queue_.release(std::move(chunk));
      }
      progress_.update(summary_.rows, bytes_written_);
    }
    progress_.clear();
  }

  const ScoreSummary& summary() const { return summary_; }
  bool output_error() const { return output_error_; }

 private:
  void write_chunk(const Chunk& chunk) {
    const bool stop_here = job_.options.fail_fast && !chunk.failures.empty();
    const std::string_view output =
        stop_here ? std::string_view(chunk.output).substr(0, chunk.output_before_failure)
                  : std::string_view(chunk.output);
    if (!write_all(job_.output_fd, output)) return output_failed();
    report(chunk);
    summary_.rows +=
        stop_here ? chunk.failures.front().row - chunk.rows.front().row : chunk.rows.size();
    summary_.failed += chunk.failures.size();
    bytes_written_ += chunk.input_bytes;  // the input behind the rows written so far
    if (stop_here) queue_.stop();
  }

  void report(const Chunk& chunk) {
    if (chunk.failures.empty()) return;
    progress_.clear();
    std::string messages;
    const std::string name = input_name(job_.options, chunk.source);
    for (const RowFailure& failure : chunk.failures) {
      messages.append("secure-ml-api score: ").append(name);
      messages.append(": row ").append(std::to_string(failure.row));
      messages.append(" (line ").append(std::to_string(failure.line)).append("): ");
      messages.append(tabular::to_string(failure.error)).append(": ");
      messages.append(tabular::describe(failure.error)).push_back('\n');
    }
    write_all(2, messages);
  }

  void output_failed() {
    output_error_ = true;
    const std::string message =
        std::string("secure-ml-api score: cannot write the output: ") + std::strerror(errno) + "\n";
    write_all(2, message);
    queue_.stop();
  }

  const ScoreJob& job_;
  ChunkQueue& queue_;
  ProgressLine progress_;
  ScoreSummary summary_;
  std::uint64_t bytes_written_ = 0;
  bool output_error_ = false;
};

}  // namespace

ScoreSummary run_score_pipeline(const ScoreJob& job) {
  ChunkQueue queue(kChunksPerWorker * job.threads + 2);
  ScoreReader reader(job.options, queue);
  OrderedWriter writer(job, queue);
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < job.threads; ++i) {
    workers.emplace_back([&] {
      ChunkScorer scorer(job.model, job.writer, job.json_fields, job.options.fail_fast,
                         job.options.explain);
      while (auto chunk = queue.take_work()) {
        scorer.score(*chunk);
        queue.complete(std::move(chunk));
      }
    });
  }
  std::thread writer_thread([&] { writer.run(); });
  const auto read_failure = reader.read_all();
  if (read_failure) queue.stop();  // what was read before is not written: the run is refused
  writer_thread.join();
  for (auto& worker : workers) worker.join();

  ScoreSummary summary = writer.summary();
  if (read_failure) {
    write_all(2, "secure-ml-api score: " + read_failure->message + "\n");
    summary.exit_status = read_failure->exit_status;
  } else if (writer.output_error()) {
    summary.exit_status = 3;
  } else if (summary.failed > 0) {
    summary.exit_status = 1;
  }
  return summary;
}

}  // namespace smlapi::app
