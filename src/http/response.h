// The answer a handler produces. Reused across requests on a connection (clear()
// keeps capacity), so a steady keep-alive client costs no allocation here.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smlapi::http {

struct Header {
  std::string_view name;  // always a string literal or other static storage
  std::string value;
};

struct Response {
  unsigned status = 200;
  std::string_view content_type = "application/json";
  std::string body;
  bool close_connection = false;
  bool cacheable = false;  // static assets; API answers are Cache-Control: no-store
  std::string_view content_security_policy;  // overrides the default API CSP when set

  // Extra headers beyond the common security set. Slots are reused across
  // requests (their strings keep their capacity), hence the explicit count.
  void add_header(std::string_view name, std::string_view value) {
    add_header_value(name).assign(value);
  }
  // Adds a header with an empty value and returns that value for the caller to
  // format in place: a computed value then needs no temporary string.
  std::string& add_header_value(std::string_view name) {
    if (header_count_ == headers_.size()) headers_.emplace_back();
    Header& header = headers_[header_count_++];
    header.name = name;
    header.value.clear();
    return header.value;
  }
  std::span<const Header> headers() const { return {headers_.data(), header_count_}; }

  void clear() {
    status = 200;
    content_type = "application/json";
    body.clear();
    header_count_ = 0;
    close_connection = false;
    cacheable = false;
    content_security_policy = {};
  }

 private:
  std::vector<Header> headers_;
  std::size_t header_count_ = 0;
};

std::string_view reason_phrase(unsigned status);

}  // namespace smlapi::http
