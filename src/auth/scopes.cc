#include "auth/scopes.h"

#include <algorithm>
#include <stdexcept>

#include <boost/throw_exception.hpp>

namespace smlapi::auth {

std::vector<std::string> split_scopes(std::string_view scope) {
  std::vector<std::string> out;
  while (!scope.empty()) {
    const std::size_t space = scope.find(' ');
    const std::string_view item = scope.substr(0, space);
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end())
      out.emplace_back(item);
    if (space == std::string_view::npos) break;
    scope.remove_prefix(space + 1);
  }
  return out;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& scope : scopes) {
    if (!out.empty()) out += ' ';
    out += scope;
  }
  return out;
}

void throw_exception_from_error(ScopeError, const boost::source_location& location) {
  boost::throw_with_location(std::invalid_argument("invalid_scope"), location);
}

boost::system::result<std::vector<std::string>, ScopeError> narrow_scopes(
    std::string_view requested, const std::vector<std::string>& granted) {
  std::vector<std::string> wanted = split_scopes(requested);
  if (wanted.empty()) return granted;
  for (const auto& scope : wanted) {
    if (std::find(granted.begin(), granted.end(), scope) == granted.end()) {
      return ScopeError::invalid_scope;
    }
  }
  return wanted;
}

}  // namespace smlapi::auth
