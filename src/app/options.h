// Command-line flags with environment twins (12-factor): every --some-flag can
// also be set as SMLAPI_SOME_FLAG; a flag on the command line wins. A small
// table-driven parser, because Boost.Program_options has no environment
// fallback per option and would add a compiled Boost library for ~100 lines.
#pragma once

#include <boost/system/result.hpp>

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smlapi::app {

struct OptionSpec {
  std::string name;           // "port" for --port
  std::string default_value;  // shown in --help; applied when nothing else is given
  std::string help;
  bool is_flag = false;  // takes no value ("true" when present)
  bool secret = false;   // never echoed back in errors or --help
};

struct OptionError {
  std::string message;
};

// Parsed values: name -> value, plus positional arguments.
struct ParsedOptions {
  std::map<std::string, std::string, std::less<>> values;
  std::vector<std::string> positional;
  std::string get(std::string_view name) const;
  bool has(std::string_view name) const { return values.count(std::string(name)) != 0; }
};

std::string env_name(std::string_view option_name);  // "redis-port" -> "SMLAPI_REDIS_PORT"

// `environment` returns the value of a variable or nullopt (injected for tests).
boost::system::result<ParsedOptions, OptionError> parse_options(
    std::span<const OptionSpec> specs, std::span<const std::string> args,
    const std::function<std::optional<std::string>(const std::string&)>& environment);

std::string format_help(std::string_view usage, std::span<const OptionSpec> specs);

// The SMLAPI_* names in `environment` ("NAME=VALUE" entries, as in environ) that are not the
// twin of any option in `specs`: a misspelled or retired setting that would otherwise be
// ignored in silence. `also_known` lists variables read elsewhere (e.g. by scripts).
std::vector<std::string> unknown_environment_options(
    std::span<const OptionSpec> specs, std::span<const char* const> environment,
    std::span<const std::string_view> also_known = {});

}  // namespace smlapi::app
