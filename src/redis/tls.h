// TLS to Redis: the client context every connection of a Config shares (Asio over OpenSSL, as
// the HTTP server's own TLS). The server's certificate is verified against the CA file — or the
// system's trust store — and its name against Config::tls_server_name (or the host); a client
// certificate is presented when one is given (Redis `tls-auth-clients yes`).
#pragma once

#include <string>

#include <boost/system/result.hpp>

#include "redis/config.h"

namespace smlapi::redis {

struct TlsFiles {
  std::string ca_file;      // PEM trust anchors; empty: the system's default paths
  std::string cert_file;    // PEM client certificate chain (optional, with key_file)
  std::string key_file;     // its PEM private key
  std::string server_name;  // empty: Config::host
};

// Sets config.tls (and tls_server_name). The error names the file that could not be used,
// never a key's content.
boost::system::result<void, std::string> enable_tls(Config& config, const TlsFiles& files);

}  // namespace smlapi::redis
