// The server's TLS configuration: one OpenSSL context per server, built once at
// start from a PEM certificate chain and a PEM private key, with a fixed modern
// policy (TLS 1.2 minimum, ECDHE with AEAD ciphers only, no compression, no
// renegotiation, no session resumption). Failures are values naming the file
// and the problem; key material is never copied into a message.
#pragma once

#include <boost/system/result.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace smlapi::http {

enum class TlsContextErrorCode {
  certificate_unreadable,  // the certificate file cannot be opened or read
  not_a_certificate,       // no PEM certificate in it (or a damaged one)
  key_unreadable,          // the key file cannot be opened or read
  not_a_private_key,       // no unencrypted PEM private key in it
  key_mismatch,            // the key is not the certificate's
  rejected_by_openssl      // OpenSSL refused the pair (e.g. a key too weak for its policy)
};

struct TlsContextError {
  TlsContextErrorCode code;
  std::string message;  // names the file and the problem, never its content
};

struct TlsFiles {
  std::string certificate_chain;  // PEM: the server certificate first, then intermediates
  std::string private_key;        // PEM: PKCS#8 or traditional, unencrypted
};

// What the startup log may say about the certificate (public information).
struct TlsCertificateInfo {
  std::string subject;    // RFC 2253, e.g. "CN=api.example.com,O=Example"
  std::string not_after;  // RFC 3339 UTC, e.g. "2027-01-31T12:00:00Z"
  bool expired = false;   // at the `now` given to make_tls_context
};

struct TlsServerContext {
  std::shared_ptr<boost::asio::ssl::context> context;
  TlsCertificateInfo certificate;
};

// The protocol policy, written down for reviewers and for the tests.
inline constexpr const char* kTls12CipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
inline constexpr const char* kTls13CipherSuites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
inline constexpr const char* kTlsGroups = "X25519:P-256:P-384";

boost::system::result<TlsServerContext, TlsContextError> make_tls_context(
    const TlsFiles& files, std::chrono::system_clock::time_point now);

}  // namespace smlapi::http
