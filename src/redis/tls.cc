#include "redis/tls.h"

#include <boost/asio/ssl/context.hpp>

namespace smlapi::redis {

namespace ssl = boost::asio::ssl;

boost::system::result<void, std::string> enable_tls(Config& config, const TlsFiles& files) {
  if (files.cert_file.empty() != files.key_file.empty()) {
    return std::string("a Redis client certificate needs both the certificate and its key");
  }
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  context->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (files.ca_file.empty()) {
    context->set_default_verify_paths(ec);
    if (ec) return std::string("cannot load the system's trust store");
  } else if (context->load_verify_file(files.ca_file, ec); ec) {
    return "cannot read the Redis CA file " + files.ca_file;
  }
  if (!files.cert_file.empty()) {
    if (context->use_certificate_chain_file(files.cert_file, ec); ec) {
      return "cannot read the Redis client certificate " + files.cert_file;
    }
    if (context->use_private_key_file(files.key_file, ssl::context::pem, ec); ec) {
      return "cannot use the Redis client key " + files.key_file +
             " (unreadable, encrypted, "
             "or not the certificate's key)";
    }
  }
  config.tls = std::move(context);
  config.tls_server_name = files.server_name;
  return {};
}

}  // namespace smlapi::redis
