// `secure-ml-api healthcheck`: a tiny blocking HTTP/1.0 GET of /healthz next to
// the service, the container's HEALTHCHECK with no curl or shell in the image.
// Speaks TLS when the service does (SMLAPI_TLS_CERT set, or an https:// URL).
#include "app/commands.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

namespace smlapi::app {

namespace {

struct Target {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  std::string path = "/healthz";
  bool tls = false;
};

// 0 when the text is not a port number (refused by the caller).
std::uint16_t parse_port(std::string_view text) {
  std::uint16_t port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  return ec == std::errc() && end == text.data() + text.size() ? port : 0;
}

// Defaults from the service's own environment (the container sets it), then
// --url http[s]://IPV4[:PORT][/PATH]: the check runs next to the service, no DNS.
bool parse_target(std::span<const std::string> args, Target& target) {
  if (auto env = environment_variable("SMLAPI_PORT")) target.port = parse_port(*env);
  if (auto cert = environment_variable("SMLAPI_TLS_CERT")) target.tls = !cert->empty();
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] != "--url") continue;
    std::string_view url = args[i + 1];
    if (url.starts_with("https://")) {
      target.tls = true;
      url.remove_prefix(8);
    } else if (url.starts_with("http://")) {
      target.tls = false;
      url.remove_prefix(7);
    } else {
      std::cerr << "healthcheck: --url must look like http://127.0.0.1:8000/healthz or "
                   "https://127.0.0.1:8000/healthz\n";
      return false;
    }
    std::string_view authority = url.substr(0, url.find('/'));
    target.path = url.size() > authority.size() ? std::string(url.substr(authority.size())) : "/";
    auto colon = authority.find(':');
    target.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      target.port = parse_port(authority.substr(colon + 1));
    }
  }
  return true;
}

class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

bool connect_to(const Socket& socket, in_addr address, std::uint16_t port) {
  if (socket.fd() < 0) return false;
  timeval timeout{2, 0};  // every blocking call below is bounded
  ::setsockopt(socket.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(socket.fd(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_port = htons(port);
  peer.sin_addr = address;
  return ::connect(socket.fd(), reinterpret_cast<sockaddr*>(&peer), sizeof peer) == 0;
}

std::string plain_exchange(int fd, const std::string& request) {
  if (::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size()))
    return {};
  char reply[64] = {};
  ssize_t n = ::recv(fd, reply, sizeof reply - 1, 0);
  return std::string(reply, n > 0 ? static_cast<std::size_t>(n) : 0);
}

struct SslCtxFree {
  void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
};
struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

bool is_loopback(in_addr address) { return (ntohl(address.s_addr) >> 24) == 127; }

// Certificate verification: on loopback it is skipped on purpose. This is a
// liveness check: it sends no credential and believes only a status line, and
// whoever can answer on the pod's loopback already runs inside the pod.
// Verifying there would fail for certificates issued to DNS names (no
// 127.0.0.1 in them) and would tie liveness to certificate expiry: restart
// loops instead of an alert. Any other address is verified against the system
// trust store and must be named in the certificate.
std::unique_ptr<SSL_CTX, SslCtxFree> client_context(in_addr address, const std::string& host) {
  std::unique_ptr<SSL_CTX, SslCtxFree> context(SSL_CTX_new(TLS_client_method()));
  if (!context || SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION) != 1) return {};
  if (is_loopback(address)) {
    SSL_CTX_set_verify(context.get(), SSL_VERIFY_NONE, nullptr);
    return context;
  }
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_set_default_verify_paths(context.get()) != 1 ||
      X509_VERIFY_PARAM_set1_ip_asc(SSL_CTX_get0_param(context.get()), host.c_str()) != 1) {
    return {};
  }
  return context;
}

std::string tls_exchange(int fd, in_addr address, const Target& target,
                         const std::string& request) {
  auto context = client_context(address, target.host);
  if (!context) return {};
  std::unique_ptr<SSL, SslFree> ssl(SSL_new(context.get()));
  if (!ssl || SSL_set_fd(ssl.get(), fd) != 1 || SSL_connect(ssl.get()) != 1) {
    const char* reason = ERR_reason_error_string(ERR_get_error());
    std::cerr << "healthcheck: TLS handshake failed: " << (reason != nullptr ? reason : "unknown")
              << "\n";
    return {};
  }
  if (SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())) <= 0) return {};
  std::string reply;
  char chunk[64];
  while (reply.size() < 12) {  // "HTTP/1.1 200"
    int n = SSL_read(ssl.get(), chunk, sizeof chunk);
    if (n <= 0) break;
    reply.append(chunk, static_cast<std::size_t>(n));
  }
  SSL_shutdown(ssl.get());  // best effort close_notify; never waits for the answer
  return reply;
}

}  // namespace

int healthcheck_command(std::span<const std::string> args) {
  Target target;
  if (!parse_target(args, target)) return 2;
  in_addr address{};
  if (::inet_pton(AF_INET, target.host.c_str(), &address) != 1 || target.port == 0) {
    std::cerr << "healthcheck: --url needs an IPv4 address and a port\n";
    return 2;
  }
  Socket socket;
  if (!connect_to(socket, address, target.port)) {
    std::cerr << "healthcheck: cannot connect to " << target.host << ":" << target.port << "\n";
    return 1;
  }
  std::string request = "GET " + target.path + " HTTP/1.0\r\nHost: " + target.host + "\r\n\r\n";
  std::string reply = target.tls ? tls_exchange(socket.fd(), address, target, request)
                                 : plain_exchange(socket.fd(), request);
  std::string_view status = reply;
  bool healthy = status.starts_with("HTTP/1.1 200") || status.starts_with("HTTP/1.0 200");
  if (!healthy) std::cerr << "healthcheck: unhealthy\n";
  return healthy ? 0 : 1;
}

}  // namespace smlapi::app
