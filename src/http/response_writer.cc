#include "http/response_writer.h"

#include <algorithm>
#include <charconv>

namespace smlapi::http {

std::string_view reason_phrase(unsigned status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

namespace {

// Sent on every response. No Server banner is ever written.
constexpr std::string_view kSecurityHeaders =
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Permissions-Policy: accelerometer=(), camera=(), geolocation=(), microphone=(), "
    "payment=(), usb=()\r\n"
    "Cross-Origin-Opener-Policy: same-origin\r\n"
    "Cross-Origin-Resource-Policy: same-origin\r\n";

void append_number(std::string& out, std::size_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, static_cast<std::size_t>(end - digits));
}

// One "name: value\r\n" line, grown once and copied into place: four separate
// appends cost twice as much, and an API answer has a dozen header lines.
void append_header(std::string& out, std::string_view name, std::string_view value) {
  const std::size_t start = out.size();
  out.resize(start + name.size() + value.size() + 4);
  char* at = out.data() + start;
  at = std::copy(name.begin(), name.end(), at);
  *at++ = ':';
  *at++ = ' ';
  at = std::copy(value.begin(), value.end(), at);
  *at++ = '\r';
  *at = '\n';
}

}  // namespace

void write_response(const Response& response, const ResponseContext& context, std::string& out) {
  out.append("HTTP/1.1 ");
  append_number(out, response.status);
  out.push_back(' ');
  out.append(reason_phrase(response.status)).append("\r\n");
  out.append(kSecurityHeaders);
  append_header(out, "Content-Security-Policy",
                response.content_security_policy.empty() ? kApiContentSecurityPolicy
                                                         : response.content_security_policy);
  if (context.tls) out.append("Strict-Transport-Security: max-age=63072000; includeSubDomains\r\n");
  out.append(response.cacheable ? "Cache-Control: public, max-age=3600\r\n"
                                : "Cache-Control: no-store\r\n");
  if (!context.request_id.empty()) append_header(out, "X-Request-ID", context.request_id);
  for (const Header& header : response.headers()) append_header(out, header.name, header.value);
  if (!response.body.empty() || response.status != 204) {
    append_header(out, "Content-Type", response.content_type);
    out.append("Content-Length: ");
    append_number(out, response.body.size());
    out.append("\r\n");
  }
  if (!context.keep_alive || response.close_connection) out.append("Connection: close\r\n");
  out.append("\r\n");
  if (!context.head_request) out.append(response.body);
}

void write_simple_error(unsigned status, std::string_view detail, std::string& out) {
  Response response;
  response.status = status;
  response.close_connection = true;
  response.body.append("{\"detail\":\"").append(detail).append("\"}");
  write_response(response, ResponseContext{.request_id = {}, .keep_alive = false}, out);
}

}  // namespace smlapi::http
