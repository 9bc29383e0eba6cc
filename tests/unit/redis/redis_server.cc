#include "redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <hiredis/hiredis.h>

#include "redis/connection.h"

extern char** environ;

namespace smlapi::redis::testing {
namespace {

using namespace std::chrono_literals;

// Waiting for a child process to come up or go away; bounded, and not part of any assertion.
constexpr int kPollAttempts = 200;
constexpr auto kPollInterval = 25ms;

bool answers(std::uint16_t port) {
  redisContext* context = redisConnectWithTimeout("127.0.0.1", port, timeval{0, 100'000});
  bool ok = false;
  if (context != nullptr && context->err == 0) {
    void* reply = redisCommand(context, "PING");
    ok = reply != nullptr;  // +PONG, or -NOAUTH when a password is required: both mean "up"
    if (reply != nullptr) freeReplyObject(reply);
  }
  if (context != nullptr) redisFree(context);
  return ok;
}

}  // namespace

bool redis_server_available() { return access(kRedisServerPath, X_OK) == 0; }

std::uint16_t free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  std::uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

RedisServer::RedisServer(std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)), port_(free_loopback_port()) {
  start();
}

RedisServer::~RedisServer() { stop(); }

bool RedisServer::start() {
  if (pid_ > 0) return true;
  std::vector<std::string> args{kRedisServerPath,
                                "--port",
                                std::to_string(port_),
                                "--bind",
                                "127.0.0.1",
                                "--save",
                                "",
                                "--appendonly",
                                "no",
                                "--daemonize",
                                "no",
                                "--loglevel",
                                "warning",
                                "--logfile",
                                ""};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, kRedisServerPath, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return false;
  pid_ = pid;
  for (int i = 0; i < kPollAttempts; ++i) {
    if (answers(port_)) return true;
    std::this_thread::sleep_for(kPollInterval);
  }
  stop();
  return false;
}

long long run_command(const Config& config, std::initializer_list<std::string_view> args) {
  Config any_node = config;
  any_node.require_primary = false;  // tests also talk to replicas
  Connection connection = unwrap(Connection::open(any_node));
  const Reply reply = unwrap(connection.command(std::vector<std::string_view>(args)));
  if (reply == nullptr) throw std::runtime_error("no reply");
  return reply->type == REDIS_REPLY_INTEGER ? reply->integer : -1;
}

long long command_calls(const Config& config, std::string_view command) {
  Config any_node = config;
  any_node.require_primary = false;
  Connection connection = unwrap(Connection::open(any_node));
  const std::string_view info[] = {"INFO", "commandstats"};
  const Reply reply = unwrap(connection.command(info));
  if (reply == nullptr || reply->type != REDIS_REPLY_STRING) throw std::runtime_error("no INFO");
  // "cmdstat_<command>:calls=<n>,usec=..." per command run since the start (or CONFIG RESETSTAT).
  const std::string text(reply->str, reply->len);
  const std::string field = "cmdstat_" + std::string(command) + ":calls=";
  const std::size_t at = text.find(field);
  if (at == std::string::npos) return 0;
  return std::stoll(text.substr(at + field.size()));
}

void RedisServer::pause() {
  if (pid_ > 0) kill(pid_, SIGSTOP);
}

void RedisServer::resume() {
  if (pid_ > 0) kill(pid_, SIGCONT);
}

void RedisServer::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGCONT);  // a paused server cannot act on SIGTERM
  kill(pid_, SIGTERM);
  for (int i = 0; i < kPollAttempts; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace smlapi::redis::testing
