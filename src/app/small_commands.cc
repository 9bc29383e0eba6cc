// The small subcommands: sleep, score (healthcheck: healthcheck_command.cc).
#include "api/json_writer.h"
#include "app/commands.h"
#include "app/options.h"
#include "vader/model.h"
#include "vader/sentiment_analyzer.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

namespace smlapi::app {

std::optional<std::string> environment_variable(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

int sleep_command(std::span<const std::string> args) {
  int seconds = args.empty() ? -1 : std::atoi(args[0].c_str());
  if (seconds < 0 || seconds > 3600) {
    std::cerr << "usage: secure-ml-api sleep SECONDS (0..3600)\n";
    return 2;
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  return 0;
}

// One text per stdin line in, one JSON object per stdout line out, same order.
int score_command(std::span<const std::string> args) {
  if (!args.empty()) {
    std::cerr << "usage: secure-ml-api score < texts.txt\n";
    return 2;
  }
  vader::SentimentAnalyzer analyzer(vader::Model::builtin());
  std::ios::sync_with_stdio(false);
  std::string line, out;
  while (std::getline(std::cin, line)) {
    out.clear();
    auto scores = analyzer.polarity_scores(line);
    if (!scores) {
      out.append("{\"error\":\"").append(vader::to_string(scores.error())).append("\"}\n");
    } else {
      out.append("{\"neg\":");
      api::json::append_number(out, scores->neg);
      out.append(",\"neu\":");
      api::json::append_number(out, scores->neu);
      out.append(",\"pos\":");
      api::json::append_number(out, scores->pos);
      out.append(",\"compound\":");
      api::json::append_number(out, scores->compound);
      out.append("}\n");
    }
    std::cout << out;
  }
  std::cout.flush();
  return 0;
}

}  // namespace smlapi::app
