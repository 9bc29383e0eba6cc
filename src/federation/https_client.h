// A small HTTPS GET client for identity-provider metadata (discovery documents and JWKS), run on
// the federation thread only, never on a worker. TLS is always verified: the chain against
// --oidc-ca-file (or the system trust store), the host name (or IP literal) against the
// certificate, SNI sent. Bounded in every direction: a connect timeout, a total timeout, a body
// limit; redirects are not followed (a 3xx is a failure), so a provider cannot send us to
// another host, internal ones included.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/result.hpp>

#include "auth/error.h"
#include "auth/federation/https_url.h"

namespace smlapi::federation {

struct HttpsClientConfig {
  std::string ca_file;  // empty: the system trust store
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds total_timeout{10'000};
  std::size_t max_body_bytes = 256 * 1024;
};

struct HttpsResponse {
  std::string body;
  std::string cache_control;  // the Cache-Control header, or empty
};

class HttpsClient {
 public:
  // Fails when the CA file cannot be loaded.
  static boost::system::result<HttpsClient, auth::Error> create(HttpsClientConfig config);

  // GET `url`: the body of a 200 answer, or why not (for logs: no secrets are involved).
  // Blocks the calling thread for at most total_timeout.
  boost::system::result<HttpsResponse, auth::Error> get(const auth::federation::HttpsUrl& url);

 private:
  HttpsClient(HttpsClientConfig config, std::shared_ptr<boost::asio::ssl::context> tls);

  HttpsClientConfig config_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace smlapi::federation
