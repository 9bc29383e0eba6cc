#include "api/form_body.h"

namespace smlapi::api {

namespace {
constexpr std::size_t kMaxParameters = 16;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool form_decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int high = hex_value(in[i + 1]);
      int low = hex_value(in[i + 2]);
      if (high < 0 || low < 0) return false;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

boost::system::result<FormFields, FormError> parse_form(std::string_view body) {
  FormFields fields;
  while (!body.empty()) {
    auto amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    if (fields.size() == kMaxParameters) return FormError::too_many_parameters;
    auto eq = pair.find('=');
    std::string name, value;
    if (!form_decode(pair.substr(0, eq), name)) return FormError::malformed_encoding;
    if (eq != std::string_view::npos && !form_decode(pair.substr(eq + 1), value)) {
      return FormError::malformed_encoding;
    }
    if (!fields.emplace(std::move(name), std::move(value)).second) {
      return FormError::repeated_parameter;
    }
  }
  return fields;
}

}  // namespace smlapi::api
