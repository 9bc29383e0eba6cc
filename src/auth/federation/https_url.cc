#include "auth/federation/https_url.h"

#include <algorithm>
#include <charconv>

namespace smlapi::auth::federation {
namespace {

bool is_url_character(char c) {
  // RFC 3986 unreserved, reserved and '%': no space, no control, no '"', '<', '>', '\', '^',
  // '`', '{', '|', '}'.
  if (c <= ' ' || c >= 0x7f) return false;
  constexpr std::string_view kRefused = "\"<>\\^`{|}";
  return kRefused.find(c) == std::string_view::npos;
}

bool is_host_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == ':';
}

Error url_error(std::string_view what) { return Error{"URL " + std::string(what)}; }

}  // namespace

std::string HttpsUrl::authority() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string out = ipv6 ? "[" + host + "]" : host;
  if (port != 443) out += ":" + std::to_string(port);
  return out;
}

boost::system::result<HttpsUrl, Error> parse_https_url(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() > kMaxUrlLength) return url_error("is too long");
  if (!std::all_of(url.begin(), url.end(), is_url_character)) {
    return url_error("has a character that is not allowed");
  }
  if (!url.starts_with(kScheme)) return url_error("must start with https://");
  url.remove_prefix(kScheme.size());
  if (url.find('#') != std::string_view::npos) return url_error("must not have a fragment");

  const std::size_t authority_end = url.find_first_of("/?");
  std::string_view authority = url.substr(0, authority_end);
  HttpsUrl out;
  out.target =
      authority_end == std::string_view::npos ? "/" : std::string(url.substr(authority_end));
  if (out.target.front() == '?') out.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) {
    return url_error("must not carry user information");
  }

  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return url_error("has an unclosed IPv6 literal");
    host = authority.substr(1, close - 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return url_error("has text after the IPv6 literal");
      port = rest.substr(1);
    }
  } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return url_error("has a malformed host");
  }
  if (host.empty() || host.size() > 253 ||
      !std::all_of(host.begin(), host.end(), is_host_character)) {
    return url_error("has no valid host");
  }
  out.host = std::string(host);
  if (authority.find('[') == std::string_view::npos && out.host.find(':') != std::string::npos) {
    return url_error("has a malformed host");
  }
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return url_error("has an invalid port");
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  return out;
}

}  // namespace smlapi::auth::federation
