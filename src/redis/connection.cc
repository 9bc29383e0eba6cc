#include "redis/connection.h"

#include <poll.h>

#include <cerrno>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>

namespace smlapi::redis {
namespace {

timeval to_timeval(std::chrono::milliseconds duration) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(duration.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((duration.count() % 1000) * 1000);
  return tv;
}

// Classifies a failed hiredis call from the context error and the errno it left behind.
Error context_error(const redisContext& context, int saved_errno) {
  Error error{ErrorKind::io, context.errstr};
  if (context.err == REDIS_ERR_EOF ||
      (context.err == REDIS_ERR_IO && (saved_errno == EPIPE || saved_errno == ECONNRESET))) {
    error.kind = ErrorKind::closed;
  } else if (context.err == REDIS_ERR_IO &&
             (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK || saved_errno == ETIMEDOUT)) {
    error.kind = ErrorKind::timeout;
  }
  return error;
}

// A refusal during connection set-up (AUTH, SELECT) is an authorisation problem.
Error as_setup_error(Error error) {
  if (error.kind == ErrorKind::server) error.kind = ErrorKind::auth;
  return error;
}

}  // namespace

void ReplyDeleter::operator()(redisReply* reply) const noexcept { freeReplyObject(reply); }

void Connection::ContextDeleter::operator()(redisContext* context) const noexcept {
  redisFree(context);
}

Connection::~Connection() = default;

bool Connection::broken() const noexcept { return context_ == nullptr || context_->err != 0; }

boost::system::result<Connection, Error> Connection::open(const Config& config) {
  redisContext* raw =
      redisConnectWithTimeout(config.host.c_str(), config.port, to_timeval(config.connect_timeout));
  if (raw == nullptr) return Error{ErrorKind::connect, "out of memory"};
  Connection connection(raw);
  if (raw->err != 0) {
    return Error{ErrorKind::connect, raw->errstr};
  }
  if (redisSetTimeout(raw, to_timeval(config.timeout)) != REDIS_OK) {
    return Error{ErrorKind::connect, "cannot set socket timeout"};
  }
  if (!config.password.empty()) {
    std::vector<std::string_view> auth{"AUTH"};
    if (!config.username.empty()) auth.emplace_back(config.username);
    auth.emplace_back(config.password);
    auto reply = connection.command(auth);
    // The detail of a server error ("WRONGPASS ...") never echoes the password.
    if (!reply.has_value()) return as_setup_error(reply.error());
  }
  if (config.db != 0) {
    const std::string db = std::to_string(config.db);
    const std::string_view select[] = {"SELECT", db};
    auto reply = connection.command(select);
    if (!reply.has_value()) return as_setup_error(reply.error());
  }
  return connection;
}

boost::system::result<Reply, Error> Connection::command(std::span<const std::string_view> args) {
  if (broken()) return Error{ErrorKind::closed, "connection is broken"};
  std::vector<const char*> argv;
  std::vector<std::size_t> argv_len;
  argv.reserve(args.size());
  argv_len.reserve(args.size());
  for (const std::string_view arg : args) {
    argv.push_back(arg.data());
    argv_len.push_back(arg.size());
  }
  errno = 0;
  void* raw =
      redisCommandArgv(context_.get(), static_cast<int>(argv.size()), argv.data(), argv_len.data());
  const int saved_errno = errno;
  if (raw == nullptr) return context_error(*context_, saved_errno);
  Reply reply(static_cast<redisReply*>(raw));
  if (reply->type == REDIS_REPLY_ERROR) {
    return Error{ErrorKind::server, std::string(reply->str, reply->len)};
  }
  return reply;
}

// hiredis' blocking read would fail with a timeout that breaks the context for good; poll(2)
// waits instead, and the reply is read only once bytes are there.
boost::system::result<Reply, Error> Connection::receive(std::chrono::milliseconds wait) {
  if (broken()) return Error{ErrorKind::closed, "connection is broken"};
  void* raw = nullptr;
  if (redisGetReplyFromReader(context_.get(), &raw) != REDIS_OK) {
    return context_error(*context_, 0);
  }
  if (raw == nullptr) {
    pollfd ready{context_->fd, POLLIN, 0};
    const int polled = poll(&ready, 1, static_cast<int>(wait.count()));
    if (polled == 0 || (polled < 0 && errno == EINTR)) return Reply{};
    if (polled < 0) return Error{ErrorKind::io, "poll failed"};
    errno = 0;
    if (redisBufferRead(context_.get()) != REDIS_OK) return context_error(*context_, errno);
    if (redisGetReplyFromReader(context_.get(), &raw) != REDIS_OK) {
      return context_error(*context_, 0);
    }
    if (raw == nullptr) return Reply{};  // part of a reply: the rest comes with the next call
  }
  Reply reply(static_cast<redisReply*>(raw));
  if (reply->type == REDIS_REPLY_ERROR) {
    return Error{ErrorKind::server, std::string(reply->str, reply->len)};
  }
  return reply;
}

}  // namespace smlapi::redis
