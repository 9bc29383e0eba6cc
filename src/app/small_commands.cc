// The small subcommands: healthcheck, sleep, score.
#include "api/json_writer.h"
#include "app/commands.h"
#include "app/options.h"
#include "vader/model.h"
#include "vader/sentiment_analyzer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
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

// A tiny blocking HTTP/1.0 GET of /healthz on loopback: the container's
// HEALTHCHECK, with no curl or shell in the image.
int healthcheck_command(std::span<const std::string> args) {
  std::uint16_t port = 8000;
  if (auto env = environment_variable("SMLAPI_PORT"))
    port = static_cast<std::uint16_t>(std::atoi(env->c_str()));
  std::string path = "/healthz";
  std::string host = "127.0.0.1";
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] != "--url") continue;
    // http://IPV4[:PORT][/PATH]: the check runs next to the service, no DNS.
    std::string_view url = args[i + 1];
    if (!url.starts_with("http://")) {
      std::cerr << "healthcheck: --url must look like http://127.0.0.1:8000/healthz\n";
      return 2;
    }
    url.remove_prefix(7);
    std::string_view authority = url.substr(0, url.find('/'));
    path = url.size() > authority.size() ? std::string(url.substr(authority.size())) : "/";
    auto colon = authority.find(':');
    host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port =
          static_cast<std::uint16_t>(std::atoi(std::string(authority.substr(colon + 1)).c_str()));
    }
  }
  in_addr host_address{};
  if (::inet_pton(AF_INET, host.c_str(), &host_address) != 1 || port == 0) {
    std::cerr << "healthcheck: --url needs an IPv4 address and a port\n";
    return 2;
  }
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 1;
  timeval timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr = host_address;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    std::cerr << "healthcheck: cannot connect to " << host << ":" << port << "\n";
    return 1;
  }
  std::string request = "GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n";
  bool sent = ::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size());
  char reply[64] = {};
  ssize_t n = sent ? ::recv(fd, reply, sizeof reply - 1, 0) : -1;
  ::close(fd);
  std::string_view status(reply, n > 0 ? static_cast<std::size_t>(n) : 0);
  bool healthy = status.starts_with("HTTP/1.1 200") || status.starts_with("HTTP/1.0 200");
  if (!healthy) std::cerr << "healthcheck: unhealthy\n";
  return healthy ? 0 : 1;
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
