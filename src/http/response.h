// The answer a handler produces. Reused across requests on a connection (clear()
// keeps capacity), so a steady keep-alive client costs no allocation here.
#pragma once

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
  std::vector<Header> headers;   // extra headers beyond the common security set
  bool close_connection = false;
  bool cacheable = false;        // static assets; API answers are Cache-Control: no-store
  std::string_view content_security_policy;  // overrides the default API CSP when set

  void add_header(std::string_view name, std::string value) {
    headers.push_back(Header{name, std::move(value)});
  }

  void clear() {
    status = 200;
    content_type = "application/json";
    body.clear();
    headers.clear();
    close_connection = false;
    cacheable = false;
    content_security_policy = {};
  }
};

std::string_view reason_phrase(unsigned status);

}  // namespace smlapi::http
