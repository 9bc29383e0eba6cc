// --otlp-headers-file: extra HTTP headers for the collector (typically an API key), one
// "Name: value" per line; blank lines and lines starting with # are skipped. The values are
// secrets: errors name the line number, never its content.
#pragma once

#include <boost/system/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smlapi::tracing {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HeadersFileError {
  std::size_t line = 0;
  std::string message;  // names the rule, not the line's content
};

boost::system::result<HeaderList, HeadersFileError> parse_otlp_headers(std::string_view text);

}  // namespace smlapi::tracing
