// grpc_load: drives inference.GRPCInferenceService/ModelInfer closed-loop, as tritonclient
// sends it (BYTES in raw_input_contents), from C connections (one channel and one thread each)
// for D seconds, and prints the result in the line bench/run.sh reads from wrk:
//   BENCH_RESULT requests=N duration_us=D p50=US p99=US p999=US connect=0 read=0 write=0
//   status=ERRORS timeout=0
// Usage: grpc_load --target 127.0.0.1:9000 [--model vader] [--texts 1] [--connections 8]
//                  [--duration 10] (the bearer token from $BENCH_TOKEN)
#include "grpc/raw_contents.h"
#include "grpc_predict_v2.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string target;
  std::string model = "vader";
  int texts = 1;
  int connections = 8;
  int duration_seconds = 10;
  std::string token;
};

struct ThreadResult {
  std::vector<std::uint32_t> latencies_us;
  std::uint64_t errors = 0;
  std::string first_error;
};

bool parse(int argc, char** argv, Options& options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const char* value = argv[i + 1];
    if (name == "--target") {
      options.target = value;
    } else if (name == "--model") {
      options.model = value;
    } else if (name == "--texts") {
      options.texts = std::atoi(value);
    } else if (name == "--connections") {
      options.connections = std::atoi(value);
    } else if (name == "--duration") {
      options.duration_seconds = std::atoi(value);
    } else {
      return false;
    }
  }
  if (const char* token = std::getenv("BENCH_TOKEN")) options.token = token;
  return !options.target.empty() && options.texts > 0 && options.connections > 0 &&
         options.duration_seconds > 0;
}

inference::ModelInferRequest make_request(const Options& options) {
  inference::ModelInferRequest request;
  request.set_model_name(options.model);
  auto* input = request.add_inputs();
  input->set_name("text");
  input->set_datatype("BYTES");
  input->add_shape(options.texts);
  std::string* raw = request.add_raw_input_contents();
  for (int i = 0; i < options.texts; ++i) {
    smlapi::grpc_api::append_raw_bytes(
        *raw, i % 2 == 0 ? "The service is great, I love it!" : "This was a terrible, slow day.");
  }
  return request;
}

void drive(const Options& options, const inference::ModelInferRequest& request,
           Clock::time_point until, int index, ThreadResult& result) {
  grpc::ChannelArguments arguments;
  arguments.SetInt("smlapi.bench.connection", index);  // one TCP connection per thread
  auto channel =
      grpc::CreateCustomChannel(options.target, grpc::InsecureChannelCredentials(), arguments);
  auto stub = inference::GRPCInferenceService::NewStub(channel);
  inference::ModelInferResponse response;
  while (Clock::now() < until) {
    grpc::ClientContext context;
    if (!options.token.empty()) context.AddMetadata("authorization", "Bearer " + options.token);
    const auto start = Clock::now();
    const grpc::Status status = stub->ModelInfer(&context, request, &response);
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
    if (status.ok()) {
      result.latencies_us.push_back(static_cast<std::uint32_t>(micros));
    } else if (result.errors++ == 0) {
      result.first_error = status.error_message();
    }
  }
}

std::uint32_t percentile(const std::vector<std::uint32_t>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  const auto index = static_cast<std::size_t>(fraction * static_cast<double>(sorted.size() - 1));
  return sorted[index];
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse(argc, argv, options)) {
    std::cerr << "usage: grpc_load --target HOST:PORT [--model M] [--texts N] [--connections C]"
                 " [--duration S]  (token from $BENCH_TOKEN)\n";
    return 2;
  }
  const auto request = make_request(options);
  std::vector<ThreadResult> results(static_cast<std::size_t>(options.connections));
  std::vector<std::thread> threads;
  const auto started = Clock::now();
  const auto until = started + std::chrono::seconds(options.duration_seconds);
  for (int i = 0; i < options.connections; ++i) {
    threads.emplace_back(drive, std::cref(options), std::cref(request), until, i,
                         std::ref(results[static_cast<std::size_t>(i)]));
  }
  for (auto& thread : threads) thread.join();
  const auto elapsed_us =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
  std::vector<std::uint32_t> all;
  std::uint64_t errors = 0;
  for (const auto& result : results) {
    all.insert(all.end(), result.latencies_us.begin(), result.latencies_us.end());
    errors += result.errors;
    if (result.errors > 0) std::cerr << "grpc_load: error: " << result.first_error << "\n";
  }
  std::sort(all.begin(), all.end());
  std::printf(
      "BENCH_RESULT requests=%zu duration_us=%lld p50=%u p99=%u p999=%u connect=0 read=0 "
      "write=0 status=%llu timeout=0\n",
      all.size(), static_cast<long long>(elapsed_us), percentile(all, 0.50), percentile(all, 0.99),
      percentile(all, 0.999), static_cast<unsigned long long>(errors));
  return errors == 0 ? 0 : 1;
}
