#include "http/tls_context.h"

#include <boost/asio/ssl/context.hpp>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <memory>
#include <system_error>
#include <vector>

namespace smlapi::http {

namespace {

// A PEM chain or key is a few KiB; the cap keeps a wrong path such as
// /dev/zero from reading forever.
constexpr std::size_t kMaxPemFileBytes = std::size_t{1024} * 1024;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// Holds file bytes and wipes them when done: the key file's content must not
// linger in freed heap memory.
class FileBytes {
 public:
  FileBytes() = default;
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  FileBytes(FileBytes&&) = default;
  FileBytes& operator=(FileBytes&&) = default;
  ~FileBytes() {
    if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
  }
  std::vector<char>& bytes() { return bytes_; }
  BioPtr bio() const {
    return BioPtr(BIO_new_mem_buf(bytes_.data(), static_cast<int>(bytes_.size())));
  }

 private:
  std::vector<char> bytes_;
};

std::string quoted(const std::string& path) { return "'" + path + "'"; }

// The reason of a failed read (errno), or empty when it worked.
std::string read_file(const std::string& path, FileBytes& out) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return std::error_code(errno, std::generic_category()).message();
  std::vector<char>& bytes = out.bytes();
  bytes.resize(kMaxPemFileBytes + 1);
  std::size_t length = std::fread(bytes.data(), 1, bytes.size(), file);
  int failed = std::ferror(file);
  int error = errno;
  std::fclose(file);
  if (failed != 0) {
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return std::error_code(error, std::generic_category()).message();
  }
  if (length > kMaxPemFileBytes) return "larger than 1 MiB, not a PEM file";
  bytes.resize(length);
  return {};
}

// Never prompts on a terminal for a passphrase: encrypted keys fail instead.
int no_passphrase(char*, int, int, void*) { return -1; }

// The first OpenSSL reason in the error queue (no key bytes ever appear in it).
std::string openssl_reason() {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : "unknown OpenSSL error";
}

TlsContextError fail(TlsContextErrorCode code, std::string message) {
  ERR_clear_error();
  return TlsContextError{code, std::move(message)};
}

struct Chain {
  X509Ptr leaf;
  std::vector<X509Ptr> intermediates;
};

boost::system::result<Chain, TlsContextError> parse_chain(const std::string& path,
                                                          const FileBytes& file) {
  BioPtr bio = file.bio();
  Chain chain;
  chain.leaf.reset(PEM_read_bio_X509_AUX(bio.get(), nullptr, no_passphrase, nullptr));
  if (!chain.leaf) {
    return fail(TlsContextErrorCode::not_a_certificate,
                quoted(path) + " holds no PEM certificate (BEGIN CERTIFICATE)");
  }
  while (X509* next = PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr)) {
    chain.intermediates.emplace_back(next);
  }
  // The loop ends at the end of the file (no further PEM start line) or at a
  // damaged block, which must not be served silently as a shorter chain.
  unsigned long last = ERR_peek_last_error();
  if (last != 0 && ERR_GET_REASON(last) != PEM_R_NO_START_LINE) {
    return fail(TlsContextErrorCode::not_a_certificate,
                quoted(path) + ": certificate " + std::to_string(chain.intermediates.size() + 2) +
                    " of the chain is damaged (" + openssl_reason() + ")");
  }
  ERR_clear_error();
  return chain;
}

boost::system::result<PkeyPtr, TlsContextError> parse_key(const std::string& path,
                                                          const FileBytes& file) {
  BioPtr bio = file.bio();
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key) {
    return fail(TlsContextErrorCode::not_a_private_key,
                quoted(path) +
                    " holds no unencrypted PEM private key (PKCS#8 or traditional; encrypted "
                    "keys are not supported)");
  }
  return key;
}

std::string subject_of(X509* cert) {
  BioPtr out(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(out.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long length = BIO_get_mem_data(out.get(), &data);
  return length > 0 ? std::string(data, static_cast<std::size_t>(length)) : std::string();
}

std::string rfc3339(const ASN1_TIME* time) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return {};
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

TlsCertificateInfo describe(X509* leaf, std::chrono::system_clock::time_point now) {
  std::time_t at = std::chrono::system_clock::to_time_t(now);
  const ASN1_TIME* not_after = X509_get0_notAfter(leaf);
  return TlsCertificateInfo{.subject = subject_of(leaf),
                            .not_after = rfc3339(not_after),
                            .expired = X509_cmp_time(not_after, &at) < 0};
}

// ALPN: HTTP/1.1 is all this server speaks. A client offering only other
// protocols (h2-only) gets no ALPN answer rather than a fatal alert, as the
// RFC 7301 section 3.2 leaves to the server.
int select_http11(SSL*, const unsigned char** out, unsigned char* out_length,
                  const unsigned char* offered, unsigned int offered_length, void*) {
  static constexpr unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_length, kHttp11, sizeof kHttp11, offered,
                            offered_length) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

// The fixed protocol policy (see tls_context.h and docs/security.md).
bool apply_policy(SSL_CTX* native) {
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                  SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA |
                                  SSL_OP_NO_TICKET);
  // No resumption at all: no stateless tickets (their keys would live in this
  // process, weaken forward secrecy and not work across replicas) and no
  // server-side cache (shared, locked state between the worker threads).
  // Keep-alive amortises the full handshake instead.
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_alpn_select_cb(native, select_http11, nullptr);
  return SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) == 1 &&
         SSL_CTX_set_num_tickets(native, 0) == 1 &&
         SSL_CTX_set_cipher_list(native, kTls12CipherList) == 1 &&
         SSL_CTX_set_ciphersuites(native, kTls13CipherSuites) == 1 &&
         SSL_CTX_set1_groups_list(native, kTlsGroups) == 1;
}

bool install_pair(SSL_CTX* native, const Chain& chain, EVP_PKEY* key) {
  if (SSL_CTX_use_certificate(native, chain.leaf.get()) != 1) return false;
  for (const X509Ptr& intermediate : chain.intermediates) {
    if (SSL_CTX_add1_chain_cert(native, intermediate.get()) != 1) return false;
  }
  return SSL_CTX_use_PrivateKey(native, key) == 1 && SSL_CTX_check_private_key(native) == 1;
}

}  // namespace

boost::system::result<TlsServerContext, TlsContextError> make_tls_context(
    const TlsFiles& files, std::chrono::system_clock::time_point now) {
  ERR_clear_error();
  FileBytes certificate_file;
  if (std::string why = read_file(files.certificate_chain, certificate_file); !why.empty()) {
    return fail(TlsContextErrorCode::certificate_unreadable,
                quoted(files.certificate_chain) + " cannot be read: " + why);
  }
  auto chain = parse_chain(files.certificate_chain, certificate_file);
  if (!chain) return chain.error();

  FileBytes key_file;
  if (std::string why = read_file(files.private_key, key_file); !why.empty()) {
    return fail(TlsContextErrorCode::key_unreadable,
                quoted(files.private_key) + " cannot be read: " + why);
  }
  auto key = parse_key(files.private_key, key_file);
  if (!key) return key.error();
  if (X509_check_private_key(chain->leaf.get(), key->get()) != 1) {
    return fail(TlsContextErrorCode::key_mismatch,
                "the private key in " + quoted(files.private_key) +
                    " does not belong to the certificate in " + quoted(files.certificate_chain));
  }

  auto context = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  if (!apply_policy(native)) {
    return fail(TlsContextErrorCode::rejected_by_openssl,
                "the TLS policy was refused by OpenSSL: " + openssl_reason());
  }
  if (!install_pair(native, *chain, key->get())) {
    return fail(TlsContextErrorCode::rejected_by_openssl, "OpenSSL refused the certificate " +
                                                              quoted(files.certificate_chain) +
                                                              " with its key: " + openssl_reason());
  }
  return TlsServerContext{.context = std::move(context),
                          .certificate = describe(chain->leaf.get(), now)};
}

}  // namespace smlapi::http
