// Loading the server's TLS context from PEM files: a good pair works (alone or
// with its chain), and each broken input gives its own error naming the file,
// never the key's content.
#include "http/tls_context.h"

#include "result_matchers.h"
#include "test_certificates.h"

#include <gtest/gtest.h>
#include <boost/asio/ssl/context.hpp>

#include <openssl/ssl.h>

#include <fstream>
#include <sstream>

namespace smlapi::http {
namespace {

using ::smlapi::result_testing::ErrorOf;
using ::smlapi::result_testing::Succeeds;

using testing::TestCertificates;
using Code = TlsContextErrorCode;

std::string file_content(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

auto now() { return std::chrono::system_clock::now(); }

class TlsContextTest : public ::testing::Test {
 protected:
  TestCertificates certs_;
};

TEST_F(TlsContextTest, GoodChainAndKeyGiveAServerContextWithThePolicy) {
  auto loaded = make_tls_context({certs_.server_chain(), certs_.server_key()}, now());
  ASSERT_THAT(loaded, Succeeds());
  ASSERT_NE(loaded->context, nullptr);
  SSL_CTX* native = loaded->context->native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(native), TLS1_2_VERSION);
  long options = static_cast<long>(SSL_CTX_get_options(native));
  EXPECT_NE(options & static_cast<long>(SSL_OP_NO_COMPRESSION), 0);
  EXPECT_NE(options & static_cast<long>(SSL_OP_NO_RENEGOTIATION), 0);
  EXPECT_NE(options & static_cast<long>(SSL_OP_CIPHER_SERVER_PREFERENCE), 0);
  EXPECT_NE(options & static_cast<long>(SSL_OP_NO_TICKET), 0);
  EXPECT_EQ(SSL_CTX_get_session_cache_mode(native), SSL_SESS_CACHE_OFF);
  EXPECT_EQ(SSL_CTX_get_num_tickets(native), 0u);
  // The intermediate certificate is served after the leaf.
  STACK_OF(X509)* chain = nullptr;
  ASSERT_EQ(SSL_CTX_get0_chain_certs(native, &chain), 1);
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(sk_X509_num(chain), 1);
}

TEST_F(TlsContextTest, TheTls12CipherListIsEcdheWithAeadOnly) {
  auto loaded = make_tls_context({certs_.server_chain(), certs_.server_key()}, now());
  ASSERT_THAT(loaded, Succeeds());
  SSL* ssl = SSL_new(loaded->context->native_handle());
  ASSERT_NE(ssl, nullptr);
  STACK_OF(SSL_CIPHER)* ciphers = SSL_get_ciphers(ssl);
  ASSERT_NE(ciphers, nullptr);
  int tls12 = 0;
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* cipher = sk_SSL_CIPHER_value(ciphers, i);
    std::string name = SSL_CIPHER_get_name(cipher);
    if (name.starts_with("TLS_")) continue;  // the TLS 1.3 suites, all AEAD
    ++tls12;
    EXPECT_EQ(SSL_CIPHER_get_kx_nid(cipher), NID_kx_ecdhe) << name;
    EXPECT_TRUE(SSL_CIPHER_is_aead(cipher)) << name;
  }
  EXPECT_EQ(tls12, 6);
  SSL_free(ssl);
}

TEST_F(TlsContextTest, ALeafWithoutItsChainLoadsToo) {
  auto loaded = make_tls_context({certs_.server_certificate(), certs_.server_key()}, now());
  ASSERT_THAT(loaded, Succeeds());
}

TEST_F(TlsContextTest, CertificateInfoNamesTheSubjectAndExpiry) {
  auto loaded = make_tls_context({certs_.server_chain(), certs_.server_key()}, now());
  ASSERT_THAT(loaded, Succeeds());
  EXPECT_EQ(loaded->certificate.subject, "CN=localhost,O=smlapi tests");
  EXPECT_EQ(loaded->certificate.not_after.size(), std::string("2027-01-31T12:00:00Z").size());
  EXPECT_EQ(loaded->certificate.not_after.back(), 'Z');
  EXPECT_FALSE(loaded->certificate.expired);
  // The same certificate seen from two days later has expired (it lives 24 h).
  auto later = make_tls_context({certs_.server_chain(), certs_.server_key()},
                                now() + std::chrono::hours(48));
  ASSERT_TRUE(later.has_value());
  EXPECT_TRUE(later->certificate.expired);
}

TEST_F(TlsContextTest, MissingCertificateFileIsUnreadable) {
  std::string missing = (certs_.dir() / "nope.pem").string();
  auto loaded = make_tls_context({missing, certs_.server_key()}, now());
  const auto error = ErrorOf(loaded);
  EXPECT_EQ(error.code, Code::certificate_unreadable);
  EXPECT_NE(error.message.find(missing), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("No such file"), std::string::npos) << error.message;
}

TEST_F(TlsContextTest, MissingKeyFileIsUnreadable) {
  std::string missing = (certs_.dir() / "nope.key").string();
  auto loaded = make_tls_context({certs_.server_chain(), missing}, now());
  const auto error = ErrorOf(loaded);
  EXPECT_EQ(error.code, Code::key_unreadable);
  EXPECT_NE(error.message.find(missing), std::string::npos) << error.message;
}

TEST_F(TlsContextTest, ADirectoryIsUnreadable) {
  auto loaded = make_tls_context({certs_.dir().string(), certs_.server_key()}, now());
  const auto error = ErrorOf(loaded);
  EXPECT_EQ(error.code, Code::certificate_unreadable);
}

TEST_F(TlsContextTest, GarbageCertificateIsNotACertificate) {
  std::string garbage = certs_.write("garbage.pem", "this is not PEM at all\n");
  auto loaded = make_tls_context({garbage, certs_.server_key()}, now());
  const auto error = ErrorOf(loaded);
  EXPECT_EQ(error.code, Code::not_a_certificate);
  EXPECT_NE(error.message.find(garbage), std::string::npos);
}

TEST_F(TlsContextTest, AKeyGivenAsTheCertificateIsNotACertificate) {
  auto loaded = make_tls_context({certs_.server_key(), certs_.server_key()}, now());
  const auto error = ErrorOf(loaded);
  EXPECT_EQ(error.code, Code::not_a_certificate);
}

TEST_F(TlsContextTest, ADamagedChainCertificateIsRefusedNotDropped) {
  std::string chain = file_content(certs_.server_chain());
  std::string damaged = chain.substr(0, chain.size() - 120) + "AAAA\n-----END CERTIFICATE-----\n";
  auto loaded =
      make_tls_context({certs_.write("damaged.pem", damaged), certs_.server_key()}, now());
  const auto error = ErrorOf(loaded);
  EXPECT_EQ(error.code, Code::not_a_certificate);
  EXPECT_NE(error.message.find("certificate 2"), std::string::npos) << error.message;
}

TEST_F(TlsContextTest, GarbageKeyIsNotAPrivateKey) {
  std::string garbage = certs_.write("garbage.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n");
  auto loaded = make_tls_context({certs_.server_chain(), garbage}, now());
  const auto error = ErrorOf(loaded);
  EXPECT_EQ(error.code, Code::not_a_private_key);
  EXPECT_NE(error.message.find(garbage), std::string::npos);
}

TEST_F(TlsContextTest, ACertificateGivenAsTheKeyIsNotAPrivateKey) {
  auto loaded = make_tls_context({certs_.server_chain(), certs_.server_chain()}, now());
  const auto error = ErrorOf(loaded);
  EXPECT_EQ(error.code, Code::not_a_private_key);
}

TEST_F(TlsContextTest, AnEncryptedKeyIsRefusedWithoutPrompting) {
  auto loaded = make_tls_context({certs_.server_chain(), certs_.encrypted_key()}, now());
  const auto error = ErrorOf(loaded);
  EXPECT_EQ(error.code, Code::not_a_private_key);
  EXPECT_NE(error.message.find("encrypted"), std::string::npos);
}

TEST_F(TlsContextTest, AKeyOfAnotherCertificateIsAMismatch) {
  auto loaded = make_tls_context({certs_.server_chain(), certs_.other_key()}, now());
  const auto error = ErrorOf(loaded);
  EXPECT_EQ(error.code, Code::key_mismatch);
  EXPECT_NE(error.message.find(certs_.other_key()), std::string::npos);
  EXPECT_NE(error.message.find(certs_.server_chain()), std::string::npos);
}

TEST_F(TlsContextTest, NoMessageEverContainsKeyMaterial) {
  std::string key = file_content(certs_.other_key());
  std::string body = key.substr(key.find('\n') + 1, 40);  // base64 of the key itself
  for (const TlsFiles& files : {TlsFiles{certs_.server_chain(), certs_.other_key()},
                                TlsFiles{certs_.other_key(), certs_.other_key()}}) {
    auto loaded = make_tls_context(files, now());
    const auto error = ErrorOf(loaded);
    EXPECT_EQ(error.message.find(body), std::string::npos);
    EXPECT_EQ(error.message.find("PRIVATE KEY-----"), std::string::npos);
  }
}

}  // namespace
}  // namespace smlapi::http
