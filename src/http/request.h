// A parsed HTTP request, reduced to what the API needs. The parser keeps only the
// header fields listed here (no per-request header map), so a request costs no
// allocation once the strings' capacity has grown on a keep-alive connection.
#pragma once

#include <ostream>  // boost/core string_view needs it before verb.hpp

#include <boost/beast/http/verb.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace smlapi::http {

// Spare capacity kept after a body so SIMD JSON parsers can read past its end.
inline constexpr std::size_t kBodyPadding = 64;

// Most extension header fields a handler may ask the parser to keep (Handler::kept_fields).
inline constexpr std::size_t kMaxKeptFields = 4;

struct Request {
  boost::beast::http::verb method = boost::beast::http::verb::unknown;
  std::string method_text;
  std::string target;  // raw request-target
  unsigned version = 11;
  bool keep_alive = true;

  // The standard header fields the server and any handler need (empty when absent). Repeated
  // list-valued fields (X-Forwarded-For, Forwarded) are joined with ", ".
  std::string host;
  std::string content_type;
  std::string authorization;
  std::string x_forwarded_for;
  std::string forwarded;
  std::string origin;
  std::string access_control_request_method;
  // The extension fields the handler asked for (Handler::kept_fields), by position. Each is
  // single-valued: a repeat is refused (400).
  std::array<std::string, kMaxKeptFields> kept;
  unsigned kept_present = 0;  // bit i: kept[i] was sent (possibly empty)
  bool expect_continue = false;
  // Set by the connection, never by the client: the handler's before_body() admitted this
  // request before its body was sent (Expect: 100-continue), so handle() must not count it again.
  bool admitted = false;
  bool has_body = false;

  std::string body;

  // Filled by the connection, not the parser.
  std::string_view peer_address;  // textual IP of the TCP peer

  std::string_view path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
  }
  std::string_view query() const {
    std::string_view t = target;
    auto q = t.find('?');
    return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
  }

  bool has_kept(std::size_t index) const { return (kept_present & (1u << index)) != 0; }

  void clear() {
    method = boost::beast::http::verb::unknown;
    for (std::string* s :
         {&method_text, &target, &host, &content_type, &authorization, &x_forwarded_for, &forwarded,
          &origin, &access_control_request_method, &body}) {
      s->clear();
    }
    for (std::string& field : kept) field.clear();
    kept_present = 0;
    version = 11;
    keep_alive = true;
    expect_continue = false;
    admitted = false;
    has_body = false;
  }
};

}  // namespace smlapi::http
