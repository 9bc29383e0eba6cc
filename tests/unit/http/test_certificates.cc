#include "test_certificates.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace smlapi::http::testing {

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate generation: ") + what);
}

PkeyPtr generate_key() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  require(key != nullptr, "EC key");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  require(extension != nullptr && X509_add_ext(cert, extension, -1) == 1, "extension");
  X509_EXTENSION_free(extension);
}

struct Subject {
  const char* common_name;
  bool ca;
  long serial;
};

// Signed by `issuer` with `issuer_key`, or self-signed when issuer is null.
X509Ptr make_certificate(const Subject& subject, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                         std::chrono::hours lifetime) {
  X509Ptr cert(X509_new());
  require(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), subject.serial);
  long seconds = static_cast<long>(std::chrono::seconds(lifetime).count());
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), seconds < 0 ? 2 * seconds : -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), seconds);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("smlapi tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(subject.common_name), -1, -1,
                             0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  require(X509_set_pubkey(cert.get(), key) == 1, "public key");
  add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (issuer != nullptr) add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid");
  if (subject.ca) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), signer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  }
  require(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0,
          "sign");
  return cert;
}

std::string pem_of(X509* cert) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  require(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM certificate");
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

std::string pem_of(EVP_PKEY* key, bool encrypted) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  static char passphrase[] = "test-passphrase";
  int ok = encrypted
               ? PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), passphrase,
                                               sizeof passphrase - 1, nullptr, nullptr)
               : PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  require(ok == 1, "PEM key");
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

}  // namespace

TestCertificates::TestCertificates(std::chrono::hours lifetime) {
  std::string pattern = (std::filesystem::temp_directory_path() / "smlapi-tls-XXXXXX").string();
  require(::mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  dir_ = pattern;
  auto ten_years = std::chrono::hours(24 * 3650);
  PkeyPtr root_key = generate_key();
  X509Ptr root =
      make_certificate({"smlapi test root", true, 1}, root_key.get(), nullptr, nullptr, ten_years);
  PkeyPtr intermediate_key = generate_key();
  X509Ptr intermediate =
      make_certificate({"smlapi test intermediate", true, 2}, intermediate_key.get(), root.get(),
                       root_key.get(), ten_years);
  PkeyPtr server_key = generate_key();
  X509Ptr server = make_certificate({"localhost", false, 3}, server_key.get(), intermediate.get(),
                                    intermediate_key.get(), lifetime);
  PkeyPtr other = generate_key();
  write("root.pem", pem_of(root.get()));
  write("server.pem", pem_of(server.get()));
  write("chain.pem", pem_of(server.get()) + pem_of(intermediate.get()));
  write("server.key", pem_of(server_key.get(), false));
  write("other.key", pem_of(other.get(), false));
  write("encrypted.key", pem_of(server_key.get(), true));
}

TestCertificates::~TestCertificates() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string TestCertificates::write(const std::string& name, const std::string& content) const {
  std::string file = path(name.c_str());
  std::ofstream(file, std::ios::binary) << content;
  return file;
}

}  // namespace smlapi::http::testing
