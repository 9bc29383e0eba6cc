#include "net/forwarding_hop.h"

#include <algorithm>
#include <string>

namespace smlapi::net {
namespace {

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool is_alnum(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 9110 tchar.
bool is_tchar(char c) noexcept {
  return is_alnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 7239 obfuscated node / port characters (after the leading '_').
bool is_obfuscated(std::string_view text) noexcept {
  return text.size() >= 2 && text.front() == '_' &&
         std::all_of(text.begin() + 1, text.end(),
                     [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
  return text;
}

bool is_numeric_port(std::string_view port) noexcept {
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), is_digit)) {
    return false;
  }
  return std::stoul(std::string(port)) <= 65535;
}

Hop address_hop(std::string_view text, bool want_v6) {
  const auto parsed = parse_ip(text);
  const bool looks_v6 = text.find(':') != std::string_view::npos;
  if (!parsed.has_value() || looks_v6 != want_v6) return Hop{};
  return Hop{HopKind::address, *parsed};
}

// "[v6]" or "[v6]:port" with the port checked by `port_ok`.
template <typename PortCheck>
Hop bracketed_hop(std::string_view text, PortCheck port_ok) {
  const std::size_t close = text.find(']');
  if (close == std::string_view::npos) return Hop{};
  const std::string_view rest = text.substr(close + 1);
  if (!rest.empty() && (rest.front() != ':' || !port_ok(rest.substr(1)))) return Hop{};
  return address_hop(text.substr(1, close - 1), true);
}

// Minimal RFC 7239 field-value parser, enough to pull out each element's for= value.
class ForwardedParser {
 public:
  explicit ForwardedParser(std::string_view text) : text_(text) {}

  std::vector<Hop> run() {
    std::vector<Hop> hops;
    while (true) {
      skip_ows();
      if (at_end()) return hops;
      if (peek() == ',') {  // empty list element
        ++pos_;
        continue;
      }
      std::string for_value;
      int for_count = 0;
      if (!parse_element(for_value, for_count)) {
        hops.push_back(Hop{});
        return hops;
      }
      hops.push_back(for_count == 1 ? parse_forwarded_node(for_value) : Hop{});
    }
  }

 private:
  bool at_end() const noexcept { return pos_ >= text_.size(); }
  char peek() const noexcept { return text_[pos_]; }
  void skip_ows() noexcept {
    while (!at_end() && is_ows(peek())) ++pos_;
  }

  // Parses pairs up to and including the ',' that ends the element (or the end of the text).
  bool parse_element(std::string& for_value, int& for_count) {
    while (true) {
      skip_ows();
      if (at_end()) return true;
      if (peek() == ',') {
        ++pos_;
        return true;
      }
      if (peek() == ';') {
        ++pos_;
        continue;
      }
      std::string_view name;
      std::string value;
      if (!parse_pair(name, value)) return false;
      if (iequals(name, "for")) {
        ++for_count;
        for_value = std::move(value);
      }
      skip_ows();
      if (!at_end() && peek() != ';' && peek() != ',') return false;
    }
  }

  bool parse_pair(std::string_view& name, std::string& value) {
    name = take_token();
    if (name.empty() || at_end() || peek() != '=') return false;
    ++pos_;
    if (!at_end() && peek() == '"') return parse_quoted(value);
    value = std::string(take_token());
    return !value.empty();
  }

  std::string_view take_token() noexcept {
    const std::size_t start = pos_;
    while (!at_end() && is_tchar(peek())) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  bool parse_quoted(std::string& value) {
    ++pos_;  // opening quote
    while (!at_end()) {
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (c == '\\') {
        if (at_end()) return false;
        value.push_back(text_[pos_++]);
      } else {
        value.push_back(c);
      }
    }
    return false;  // unterminated
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

Hop parse_x_forwarded_for_element(std::string_view element) {
  element = trim(element);
  if (iequals(element, "unknown")) return Hop{HopKind::unknown, {}};
  if (element.empty()) return Hop{};
  if (element.front() == '[') return bracketed_hop(element, is_numeric_port);
  const auto colons = std::count(element.begin(), element.end(), ':');
  if (colons == 1) {  // IPv4 with a port, as some load balancers write it
    const std::size_t colon = element.find(':');
    if (!is_numeric_port(element.substr(colon + 1))) return Hop{};
    return address_hop(element.substr(0, colon), false);
  }
  return address_hop(element, colons > 1);
}

Hop parse_forwarded_node(std::string_view node) {
  const auto port_ok = [](std::string_view port) {
    return is_numeric_port(port) || is_obfuscated(port);
  };
  if (!node.empty() && node.front() == '[') return bracketed_hop(node, port_ok);
  const std::size_t colon = node.find(':');
  const std::string_view name = node.substr(0, colon);
  if (colon != std::string_view::npos && !port_ok(node.substr(colon + 1))) return Hop{};
  if (iequals(name, "unknown")) return Hop{HopKind::unknown, {}};
  if (is_obfuscated(name)) return Hop{HopKind::obfuscated, {}};
  return address_hop(name, false);
}

std::vector<Hop> parse_forwarded_for(std::string_view field_value) {
  return ForwardedParser(field_value).run();
}

}  // namespace smlapi::net
