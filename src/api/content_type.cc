#include "api/content_type.h"

#include <boost/beast/core/string.hpp>

namespace smlapi::api {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool has_media_type(std::string_view content_type, std::string_view expected) {
  auto semicolon = content_type.find(';');
  return boost::beast::iequals(trim(content_type.substr(0, semicolon)), expected);
}

}  // namespace

bool is_json(std::string_view content_type) {
  if (!has_media_type(content_type, "application/json")) return false;
  auto semicolon = content_type.find(';');
  while (semicolon != std::string_view::npos) {
    content_type.remove_prefix(semicolon + 1);
    semicolon = content_type.find(';');
    std::string_view parameter = trim(content_type.substr(0, semicolon));
    auto equals = parameter.find('=');
    if (equals == std::string_view::npos) return false;
    std::string_view name = trim(parameter.substr(0, equals));
    std::string_view value = trim(parameter.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (boost::beast::iequals(name, "charset") && !boost::beast::iequals(value, "utf-8")) {
      return false;
    }
  }
  return true;
}

bool is_form(std::string_view content_type) {
  return has_media_type(content_type, "application/x-www-form-urlencoded");
}

}  // namespace smlapi::api
