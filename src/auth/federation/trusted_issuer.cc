#include "auth/federation/trusted_issuer.h"

#include <algorithm>
#include <set>

#include "auth/federation/https_url.h"
#include "auth/json_object.h"

namespace smlapi::auth::federation {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::size_t kMaxListItems = 16;
constexpr std::size_t kMaxValueLength = 512;

bool is_name_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool is_claim_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [](char c) { return is_name_character(c); });
}

bool is_printable(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= ' ' && c < 0x7f; });
}

Error issuer_error(std::string_view name, std::string_view what) {
  return Error{"trusted issuer '" + std::string(name) + "': " + std::string(what)};
}

bool read_string(element value, std::string& out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return false;
  out = std::string(text);
  return true;
}

bool read_bool(element value, bool& out) { return value.get_bool().get(out) == simdjson::SUCCESS; }

bool read_list(element value, std::vector<std::string>& out) {
  simdjson::dom::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS || array.size() > kMaxListItems) {
    return false;
  }
  out.clear();
  for (const element item : array) {
    std::string text;
    if (!read_string(item, text)) return false;
    out.push_back(std::move(text));
  }
  return true;
}

bool read_algorithms(element value, std::vector<Algorithm>& out) {
  std::vector<std::string> names;
  if (!read_list(value, names)) return false;
  out.clear();
  for (const std::string& name : names) {
    const auto algorithm = parse_algorithm(name);
    // Only asymmetric algorithms whose keys a JWKS can carry: an HS256 "public" key is the
    // classic key-confusion hole.
    if (algorithm != Algorithm::RS256 && algorithm != Algorithm::ES256) return false;
    out.push_back(*algorithm);
  }
  return true;
}

bool read_member(std::string_view name, element value, TrustedIssuer& out) {
  if (name == "name") return read_string(value, out.name);
  if (name == "issuer") return read_string(value, out.issuer);
  if (name == "jwks_url") return read_string(value, out.jwks_url);
  if (name == "audiences") return read_list(value, out.audiences);
  if (name == "allowed_clients") return read_list(value, out.allowed_clients);
  if (name == "typ") return read_list(value, out.typs);
  if (name == "allow_missing_typ") return read_bool(value, out.allow_missing_typ);
  if (name == "scope_claims") return read_list(value, out.scope_claims);
  if (name == "client_claims") return read_list(value, out.client_claims);
  if (name == "token_use") return read_string(value, out.token_use);
  if (name == "scope_prefix") return read_string(value, out.scope_prefix);
  if (name == "require_jti") return read_bool(value, out.require_jti);
  if (name == "algorithms") return read_algorithms(value, out.algorithms);
  return false;
}

bool all_valid(const std::vector<std::string>& values, bool (*check)(std::string_view)) {
  return values.size() <= kMaxListItems && std::all_of(values.begin(), values.end(), check);
}

bool is_value(std::string_view text) {
  return !text.empty() && text.size() <= kMaxValueLength && is_printable(text);
}

bool is_dotted_claim(std::string_view path) {
  std::size_t parts = 0;
  for (std::size_t start = 0; start <= path.size(); ++parts) {
    const std::size_t dot = std::min(path.find('.', start), path.size());
    const std::string_view part = path.substr(start, dot - start);
    if (part.empty() || part.size() > 64 || !std::all_of(part.begin(), part.end(), [](char c) {
          return c != '.' && is_name_character(c);
        })) {
      return false;
    }
    start = dot + 1;
  }
  return parts <= 4;
}

}  // namespace

TrustedIssuer permissive_issuer(std::string name, std::string issuer, std::string jwks_url,
                                std::vector<std::string> audiences) {
  TrustedIssuer out;
  out.name = std::move(name);
  out.issuer = std::move(issuer);
  out.jwks_url = std::move(jwks_url);
  out.audiences = std::move(audiences);
  out.typs = {"at+jwt", "application/at+jwt", "JWT"};
  out.allow_missing_typ = true;
  out.scope_claims = {"scope", "scp", "roles"};
  out.client_claims = {"client_id", "azp", "cid", "appid"};
  return out;
}

boost::system::result<void, Error> validate(const TrustedIssuer& issuer) {
  const std::string& name = issuer.name;
  if (!is_claim_name(name)) return Error{"trusted issuer: name must be 1-64 of [A-Za-z0-9._-]"};
  if (!is_value(issuer.issuer)) return issuer_error(name, "issuer must be set (printable)");
  if (issuer.jwks_url.empty()) {
    // Discovery fetches <issuer>/.well-known/openid-configuration: the issuer must be https.
    if (auto url = parse_https_url(issuer.issuer); !url) {
      return issuer_error(name, "issuer (for discovery): " + url.error().message);
    }
  } else if (auto url = parse_https_url(issuer.jwks_url); !url) {
    return issuer_error(name, "jwks_url: " + url.error().message);
  }
  if (issuer.audiences.empty() && issuer.allowed_clients.empty()) {
    return issuer_error(name, "set audiences, or allowed_clients for a provider without aud");
  }
  if (!all_valid(issuer.audiences, is_value) || !all_valid(issuer.allowed_clients, is_value) ||
      !all_valid(issuer.typs, is_value)) {
    return issuer_error(name, "audiences, allowed_clients and typ must be non-empty strings");
  }
  if (issuer.scope_claims.empty() || !all_valid(issuer.scope_claims, is_dotted_claim) ||
      issuer.client_claims.empty() || !all_valid(issuer.client_claims, is_dotted_claim)) {
    return issuer_error(name, "scope_claims and client_claims must name claims");
  }
  if (!issuer.scope_prefix.empty() && !is_value(issuer.scope_prefix)) {
    return issuer_error(name, "scope_prefix must be printable");
  }
  if (!issuer.token_use.empty() && !is_value(issuer.token_use)) {
    return issuer_error(name, "token_use must be printable");
  }
  if (issuer.algorithms.empty()) return issuer_error(name, "algorithms must not be empty");
  if (issuer.typs.empty() && !issuer.allow_missing_typ) {
    return issuer_error(name, "no typ is accepted: set typ or allow_missing_typ");
  }
  return {};
}

boost::system::result<std::vector<TrustedIssuer>, Error> parse_trusted_issuers(
    simdjson::dom::parser& parser, std::string_view json) {
  if (json.size() > kMaxTrustedIssuersFileBytes) return Error{"trusted issuers: file too large"};
  simdjson::dom::array entries;
  if (parser.parse(json.data(), json.size()).get_array().get(entries) != simdjson::SUCCESS) {
    return Error{"trusted issuers: not a JSON array"};
  }
  if (entries.size() == 0 || entries.size() > kMaxTrustedIssuers) {
    return Error{"trusted issuers: expected 1-16 issuers"};
  }
  std::vector<TrustedIssuer> out;
  std::set<std::string, std::less<>> names;
  std::set<std::string, std::less<>> issuers;
  for (const element entry : entries) {
    object fields;
    if (entry.get_object().get(fields) != simdjson::SUCCESS || !has_unique_member_names(fields)) {
      return Error{"trusted issuers: each entry must be an object without duplicate members"};
    }
    TrustedIssuer issuer;
    for (const auto member : fields) {
      if (!read_member(member.key, member.value, issuer)) {
        return Error{"trusted issuers: member '" +
                     std::string(is_claim_name(member.key) ? member.key : "?") +
                     "' is unknown or of the wrong type"};
      }
    }
    if (auto valid = validate(issuer); !valid) return valid.error();
    if (!names.insert(issuer.name).second || !issuers.insert(issuer.issuer).second) {
      return Error{"trusted issuers: names and issuers must be unique"};
    }
    out.push_back(std::move(issuer));
  }
  return out;
}

}  // namespace smlapi::auth::federation
