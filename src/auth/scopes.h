// OAuth scopes (RFC 6749 section 3.3): space-separated in tokens and requests, a set of known
// names in configuration.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

namespace smlapi::auth {

using ScopeSet = std::set<std::string, std::less<>>;

inline const ScopeSet& default_allowed_scopes() {
  static const ScopeSet scopes{"admin", "predict"};
  return scopes;
}

// "a b  c" -> {"a","b","c"} (empty items skipped, order kept, duplicates dropped).
std::vector<std::string> split_scopes(std::string_view scope);
// {"a","b"} -> "a b"
std::string join_scopes(const std::vector<std::string>& scopes);

// The scopes to put in a token: all of `granted` if `requested` is empty, otherwise `requested`
// if every one of them is granted; invalid_scope otherwise (RFC 6749 section 5.2).
enum class ScopeError { invalid_scope };
[[noreturn]] void throw_exception_from_error(ScopeError error,
                                             const boost::source_location& location);
boost::system::result<std::vector<std::string>, ScopeError> narrow_scopes(
    std::string_view requested, const std::vector<std::string>& granted);

}  // namespace smlapi::auth
