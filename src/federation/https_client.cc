#include "federation/https_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/version.hpp>

#include <openssl/ssl.h>

namespace smlapi::federation {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string describe(const char* step, const boost::system::error_code& error) {
  return std::string(step) + ": " + error.message();
}

// One GET, driven by callbacks on a private io_context: each step either starts the next or
// records why it failed. The stream's deadline bounds connect (connect_timeout) and then the
// whole exchange (total_timeout from the start).
class Exchange {
 public:
  Exchange(asio::io_context& io, asio::ssl::context& tls, const HttpsClientConfig& config,
           const auth::federation::HttpsUrl& url)
      : resolver_(io),
        stream_(io, tls),
        config_(config),
        url_(url),
        deadline_(std::chrono::steady_clock::now() + config.total_timeout) {}

  void start() {
    SSL* ssl = stream_.native_handle();
    // SNI for host names only (RFC 6066: never for IP literals); the certificate is checked
    // for the host name or the IP address either way.
    boost::system::error_code not_ip;
    asio::ip::make_address(url_.host, not_ip);
    const bool is_ip = !not_ip;
    // SSL_set_tlsext_host_name is a macro with a C cast: the call it stands for.
    if (!is_ip && SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                           const_cast<char*>(url_.host.c_str())) != 1) {
      error_ = "cannot set SNI";
      return;
    }
    stream_.set_verify_mode(asio::ssl::verify_peer);
    stream_.set_verify_callback(asio::ssl::host_name_verification(url_.host));
    beast::get_lowest_layer(stream_).expires_after(config_.connect_timeout);
    resolver_.async_resolve(url_.host, std::to_string(url_.port),
                            [this](const boost::system::error_code& error,
                                   const tcp::resolver::results_type& endpoints) {
                              if (error) return fail("resolve", error);
                              connect(endpoints);
                            });
  }

  // After a timeout: ends what is still pending so the io_context can drain.
  void abandon() {
    resolver_.cancel();
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream_).socket().close(ignored);
  }

  boost::system::result<HttpsResponse, auth::Error> result() {
    if (!error_.empty()) return auth::Error{error_};
    if (!done_) return auth::Error{"no answer"};
    const unsigned status = parser_.get().result_int();
    if (status != 200) {
      return auth::Error{"HTTP status " + std::to_string(status) + " (redirects are not followed)"};
    }
    HttpsResponse out;
    out.body = parser_.get().body();
    out.cache_control = std::string(parser_.get()[http::field::cache_control]);
    return out;
  }

 private:
  void fail(const char* step, const boost::system::error_code& error) {
    if (error_.empty()) error_ = describe(step, error);
  }

  void connect(const tcp::resolver::results_type& endpoints) {
    beast::get_lowest_layer(stream_).async_connect(
        endpoints, [this](const boost::system::error_code& error, const tcp::endpoint&) {
          if (error) return fail("connect", error);
          beast::get_lowest_layer(stream_).expires_at(deadline_);
          stream_.async_handshake(asio::ssl::stream_base::client,
                                  [this](const boost::system::error_code& failed) {
                                    if (failed) return fail("TLS handshake", failed);
                                    send();
                                  });
        });
  }

  void send() {
    request_.method(http::verb::get);
    request_.target(url_.target);
    request_.version(11);
    request_.set(http::field::host, url_.authority());
    request_.set(http::field::user_agent, "secure-ml-api");
    request_.set(http::field::accept, "application/json");
    request_.set(http::field::connection, "close");
    http::async_write(stream_, request_,
                      [this](const boost::system::error_code& error, std::size_t) {
                        if (error) return fail("write", error);
                        receive();
                      });
  }

  void receive() {
    parser_.body_limit(config_.max_body_bytes);
    parser_.header_limit(16 * 1024);
    http::async_read(stream_, buffer_, parser_,
                     [this](const boost::system::error_code& error, std::size_t) {
                       if (error) return fail("read", error);
                       done_ = true;
                       // Best effort: the body is complete, the TLS close_notify is not needed.
                       beast::get_lowest_layer(stream_).close();
                     });
  }

  tcp::resolver resolver_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  const HttpsClientConfig& config_;
  const auth::federation::HttpsUrl& url_;
  std::chrono::steady_clock::time_point deadline_;
  http::request<http::empty_body> request_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
  std::string error_;
  bool done_ = false;
};

}  // namespace

boost::system::result<HttpsClient, auth::Error> HttpsClient::create(HttpsClientConfig config) {
  auto tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
  boost::system::error_code error;
  if (config.ca_file.empty()) {
    tls->set_default_verify_paths(error);
  } else {
    tls->load_verify_file(config.ca_file, error);
  }
  if (error) return auth::Error{"cannot load the CA certificates: " + error.message()};
  return HttpsClient(std::move(config), std::move(tls));
}

HttpsClient::HttpsClient(HttpsClientConfig config, std::shared_ptr<asio::ssl::context> tls)
    : config_(std::move(config)), tls_(std::move(tls)) {}

boost::system::result<HttpsResponse, auth::Error> HttpsClient::get(
    const auth::federation::HttpsUrl& url) {
  asio::io_context io;
  Exchange exchange(io, *tls_, config_, url);
  exchange.start();
  // The stream's deadline ends every step; this bound is only a backstop (resolution is not
  // covered by the stream's timer).
  io.run_for(config_.total_timeout + std::chrono::seconds(1));
  if (!io.stopped()) {
    exchange.abandon();
    io.restart();
    io.run_for(std::chrono::seconds(1));
    return auth::Error{"timed out"};
  }
  return exchange.result();
}

}  // namespace smlapi::federation
