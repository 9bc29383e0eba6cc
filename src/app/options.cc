#include "app/options.h"

#include <algorithm>

namespace smlapi::app {

std::string ParsedOptions::get(std::string_view name) const {
  auto found = values.find(name);
  return found == values.end() ? std::string() : found->second;
}

std::string env_name(std::string_view option_name) {
  std::string name = "SMLAPI_";
  for (char c : option_name) {
    name.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return name;
}

boost::system::result<ParsedOptions, OptionError> parse_options(
    std::span<const OptionSpec> specs, std::span<const std::string> args,
    const std::function<std::optional<std::string>(const std::string&)>& environment) {
  auto find = [&](std::string_view name) -> const OptionSpec* {
    for (const auto& spec : specs) {
      if (spec.name == name) return &spec;
    }
    return nullptr;
  };
  ParsedOptions parsed;
  for (const auto& spec : specs) {
    if (auto value = environment(env_name(spec.name))) {
      parsed.values[spec.name] = *value;
    } else if (!spec.default_value.empty()) {
      parsed.values[spec.name] = spec.default_value;
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (!arg.starts_with("--")) {
      parsed.positional.emplace_back(arg);
      continue;
    }
    arg.remove_prefix(2);
    std::string_view name = arg.substr(0, arg.find('='));
    const OptionSpec* spec = find(name);
    if (spec == nullptr) return OptionError{"unknown option --" + std::string(name)};
    if (spec->is_flag) {
      if (arg.find('=') != std::string_view::npos) {
        parsed.values[spec->name] = std::string(arg.substr(arg.find('=') + 1));
      } else {
        parsed.values[spec->name] = "true";
      }
      continue;
    }
    if (arg.find('=') != std::string_view::npos) {
      parsed.values[spec->name] = std::string(arg.substr(arg.find('=') + 1));
    } else if (i + 1 < args.size()) {
      parsed.values[spec->name] = args[++i];
    } else {
      return OptionError{"option --" + spec->name + " needs a value"};
    }
  }
  return parsed;
}

std::vector<std::string> unknown_environment_options(std::span<const OptionSpec> specs,
                                                     std::span<const char* const> environment,
                                                     std::span<const std::string_view> also_known) {
  std::vector<std::string> unknown;
  for (const char* entry : environment) {
    std::string_view text(entry);
    const std::string_view name = text.substr(0, text.find('='));
    if (!name.starts_with("SMLAPI_")) continue;
    bool known = false;
    for (const OptionSpec& spec : specs) known = known || env_name(spec.name) == name;
    for (std::string_view other : also_known) known = known || other == name;
    if (!known) unknown.emplace_back(name);
  }
  return unknown;
}

std::string format_help(std::string_view usage, std::span<const OptionSpec> specs) {
  std::string out(usage);
  out.append("\n\nOptions (each also settable through the environment variable shown):\n");
  for (const auto& spec : specs) {
    std::string left = "  --" + spec.name + (spec.is_flag ? "" : " VALUE");
    out.append(left);
    out.append(left.size() < 34 ? 34 - left.size() : 1, ' ');
    out.append(spec.help);
    out.append("\n");
    out.append(36, ' ');
    out.append("[env ").append(env_name(spec.name));
    if (!spec.default_value.empty() && !spec.secret)
      out.append("; default ").append(spec.default_value);
    out.append("]\n");
  }
  return out;
}

}  // namespace smlapi::app
