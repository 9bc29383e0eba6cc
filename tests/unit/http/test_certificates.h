// Certificates made at test time with the OpenSSL API (no openssl CLI, nothing
// checked in): a root CA, an intermediate CA and a server certificate for
// 127.0.0.1/localhost, as PEM files in a temporary directory removed afterwards.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace smlapi::http::testing {

class TestCertificates {
 public:
  // `lifetime`: how long the server certificate stays valid from now (negative:
  // it expired that long ago).
  explicit TestCertificates(std::chrono::hours lifetime = std::chrono::hours(24));
  ~TestCertificates();
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  std::filesystem::path dir() const { return dir_; }
  std::string root_certificate() const { return path("root.pem"); }      // the trust anchor
  std::string server_chain() const { return path("chain.pem"); }         // server + intermediate
  std::string server_certificate() const { return path("server.pem"); }  // server only
  std::string server_key() const { return path("server.key"); }          // PKCS#8
  std::string other_key() const { return path("other.key"); }          // belongs to no certificate
  std::string encrypted_key() const { return path("encrypted.key"); }  // server key, passphrase
  // Writes `content` to a new file in dir() and returns its path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path(const char* name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

}  // namespace smlapi::http::testing
