// ignore_new_connection_attempts on a real loopback listener: new handshakes no longer complete,
// while connections the kernel completed before stay acceptable (a draining worker takes them in).
#include "http/handshake_filter.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace smlapi::http {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

sockaddr_in loopback(in_port_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = port;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// A listener on an ephemeral loopback port; returns its port (network order) through `port`.
int open_listener(in_port_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = loopback(0);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 16) != 0) {
    return -1;
  }
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  port = address.sin_port;
  return fd;
}

// Starts a non-blocking connect; true once the handshake completed within `wait_ms`.
bool connects_within(int client, in_port_t port, int wait_ms) {
  ::fcntl(client, F_SETFL, ::fcntl(client, F_GETFL) | O_NONBLOCK);
  sockaddr_in address = loopback(port);
  if (::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return true;
  if (errno != EINPROGRESS) return false;
  pollfd waiting{client, POLLOUT, 0};
  if (::poll(&waiting, 1, wait_ms) != 1) return false;
  int error = 0;
  socklen_t length = sizeof error;
  ::getsockopt(client, SOL_SOCKET, SO_ERROR, &error, &length);
  return error == 0;
}

TEST(HandshakeFilter, NewConnectionAttemptsAreIgnored) {
  in_port_t port = 0;
  Fd listener(open_listener(port));
  ASSERT_GE(listener.get(), 0);
  ASSERT_TRUE(ignore_new_connection_attempts(listener.get()));
  Fd client(::socket(AF_INET, SOCK_STREAM, 0));
  // Loopback completes a handshake in microseconds; with the SYN dropped it does not complete
  // at all (the retried SYN, a second later, is dropped too).
  EXPECT_FALSE(connects_within(client.get(), port, 300));
}

TEST(HandshakeFilter, ConnectionsCompletedBeforeStayAcceptableWithTheirData) {
  in_port_t port = 0;
  Fd listener(open_listener(port));
  ASSERT_GE(listener.get(), 0);
  Fd client(::socket(AF_INET, SOCK_STREAM, 0));
  ASSERT_TRUE(connects_within(client.get(), port, 5000));
  ASSERT_TRUE(ignore_new_connection_attempts(listener.get()));
  ASSERT_EQ(::send(client.get(), "GET", 3, 0), 3);  // data after the filter: not a SYN, passes
  Fd accepted(::accept(listener.get(), nullptr, nullptr));
  ASSERT_GE(accepted.get(), 0);
  char buffer[3];
  EXPECT_EQ(::recv(accepted.get(), buffer, sizeof buffer, MSG_WAITALL), 3);
}

TEST(HandshakeFilter, RefusedOnSomethingThatIsNotASocket) {
  EXPECT_FALSE(ignore_new_connection_attempts(-1));
}

}  // namespace
}  // namespace smlapi::http
