// CredentialStore::parse: the JSON credential file format (see credential_store.h).
#include <simdjson.h>

#include "auth/argon2_phc.h"
#include "auth/credential_store.h"
#include "auth/json_object.h"
#include "auth/keyed_secret_hash.h"
#include "auth/names.h"

namespace smlapi::auth {

// Reads one file; errors carry the JSON path of the offending entry ("users[2].scopes").
class CredentialFileReader {
 public:
  explicit CredentialFileReader(CredentialStore& store) : store_(store) {}

  boost::system::result<void, Error> read(std::string_view json) {
    simdjson::dom::parser parser;
    auto root = parse_unique_object(parser, json);
    if (!root) {
      return Error{root.error() == JsonObjectError::duplicate_member
                       ? "duplicate member at top level"
                       : "not a JSON object (or invalid JSON/UTF-8)"};
    }
    for (const auto member : *root) {
      if (member.key == "version") {
        std::int64_t version = 0;
        if (member.value.get_int64().get(version) != simdjson::SUCCESS || version != 1) {
          return Error{"version: only version 1 is supported"};
        }
      } else if (member.key == "users") {
        if (auto ok = read_entries(member.value, "users", &CredentialFileReader::read_user); !ok)
          return ok;
      } else if (member.key == "clients") {
        if (auto ok = read_entries(member.value, "clients", &CredentialFileReader::read_client);
            !ok)
          return ok;
      } else if (member.key == "plans") {
        if (auto ok = read_plans(member.value); !ok) return ok;
      } else if (member.key == "public_clients") {
        if (auto ok = read_public_clients(member.value); !ok) return ok;
      } else {
        return Error{"unknown member '" + std::string(member.key) + "'"};
      }
    }
    // Confidential and public clients share one namespace: an id is one or the other.
    for (const auto& id : store_.public_clients_) {
      if (store_.clients_.contains(id)) {
        return Error{"public_clients: '" + id + "' is also a confidential client"};
      }
    }
    store_.refresh_hash_params();
    return check_plan_references();
  }

 private:
  struct Entry {
    std::string name;
    std::string hash;
    std::vector<std::string> scopes;
    PrincipalTerms terms;
  };
  using EntryReader =
      boost::system::result<void, Error> (CredentialFileReader::*)(Entry, const std::string&);

  boost::system::result<void, Error> read_entries(simdjson::dom::element value,
                                                  std::string_view list, EntryReader store_entry) {
    simdjson::dom::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) {
      return Error{std::string(list) + ": must be an array"};
    }
    const bool is_users = list == "users";
    std::size_t index = 0;
    for (const auto item : array) {
      const std::string where = std::string(list) + "[" + std::to_string(index++) + "]";
      auto entry = read_entry(item, where, is_users ? "name" : "client_id",
                              is_users ? "password_hash" : "secret_hash");
      if (!entry) return entry.error();
      if (auto ok = (this->*store_entry)(std::move(entry).value(), where); !ok) return ok;
    }
    return {};
  }

  static boost::system::result<Entry, Error> read_entry(simdjson::dom::element item,
                                                        const std::string& where,
                                                        std::string_view name_key,
                                                        std::string_view hash_key) {
    simdjson::dom::object object;
    if (item.get_object().get(object) != simdjson::SUCCESS)
      return Error{where + ": must be an object"};
    if (!has_unique_member_names(object)) return Error{where + ": duplicate member"};
    Entry entry;
    bool has_name = false, has_hash = false, has_scopes = false;
    for (const auto member : object) {
      std::string_view text;
      if (member.key == name_key && member.value.get_string().get(text) == simdjson::SUCCESS) {
        entry.name = text;
        has_name = true;
      } else if (member.key == hash_key &&
                 member.value.get_string().get(text) == simdjson::SUCCESS) {
        entry.hash = text;
        has_hash = true;
      } else if (member.key == "scopes") {
        auto scopes = read_scopes(member.value, where);
        if (!scopes) return scopes.error();
        entry.scopes = std::move(scopes).value();
        has_scopes = true;
      } else if (member.key == "plan" || member.key == "created_at") {
        if (auto ok = read_term(member.key, member.value, where, entry.terms); !ok) {
          return ok.error();
        }
      } else {
        return Error{where + ": unexpected member '" + std::string(member.key) + "'"};
      }
    }
    if (!has_name || !has_hash || !has_scopes) {
      return Error{where + ": needs string members \"" + std::string(name_key) + "\" and \"" +
                   std::string(hash_key) + "\" and an array \"scopes\""};
    }
    if (!is_valid_principal_name(entry.name)) {
      return Error{where + ": invalid name '" + entry.name + "' (1-64 of [A-Za-z0-9._@-])"};
    }
    // Users have passwords: Argon2id only. Clients may also have a generated secret's keyed
    // hash (keyed_secret_hash.h).
    const bool keyed_ok = name_key == "client_id" && parse_keyed_secret_hash(entry.hash);
    if (!keyed_ok && !parse_argon2id_phc(entry.hash)) {
      return Error{where + ": " + std::string(hash_key) +
                   (name_key == "client_id"
                        ? " is neither an Argon2id PHC string with sane parameters nor a "
                          "$hmac-sha256$ hash of a generated secret"
                        : " is not an Argon2id PHC string with sane parameters")};
    }
    return entry;
  }

  boost::system::result<void, Error> read_public_clients(simdjson::dom::element value) {
    simdjson::dom::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) {
      return Error{"public_clients: must be an array of client ids"};
    }
    std::size_t index = 0;
    for (const auto item : array) {
      const std::string where = "public_clients[" + std::to_string(index++) + "]";
      std::string_view id;
      if (item.get_string().get(id) != simdjson::SUCCESS)
        return Error{where + ": must be a string"};
      if (!is_valid_principal_name(id)) {
        return Error{where + ": invalid client id '" + std::string(id) +
                     "' (1-64 of [A-Za-z0-9._@-])"};
      }
      if (!store_.public_clients_.emplace(id).second) {
        return Error{where + ": duplicate public client '" + std::string(id) + "'"};
      }
    }
    return {};
  }

  static boost::system::result<std::vector<std::string>, Error> read_scopes(
      simdjson::dom::element value, const std::string& where) {
    simdjson::dom::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) {
      return Error{where + ".scopes: must be an array of strings"};
    }
    std::vector<std::string> scopes;
    for (const auto item : array) {
      std::string_view scope;
      if (item.get_string().get(scope) != simdjson::SUCCESS) {
        return Error{where + ".scopes: must be an array of strings"};
      }
      scopes.emplace_back(scope);
    }
    return scopes;
  }

  boost::system::result<void, Error> read_user(Entry entry, const std::string& where) {
    auto scopes = store_.checked_scopes(std::move(entry.scopes));
    if (!scopes) return Error{where + ".scopes: " + scopes.error().message};
    if (store_.users_.contains(entry.name))
      return Error{where + ": duplicate user '" + entry.name + "'"};
    std::string name = entry.name;
    plan_references_.push_back({where, entry.terms.plan});
    store_.users_.emplace(std::move(name),
                          UserRecord{std::move(entry.name), std::move(entry.hash),
                                     std::move(scopes).value(), std::move(entry.terms)});
    return {};
  }

  boost::system::result<void, Error> read_client(Entry entry, const std::string& where) {
    auto scopes = store_.checked_scopes(std::move(entry.scopes));
    if (!scopes) return Error{where + ".scopes: " + scopes.error().message};
    if (store_.clients_.contains(entry.name)) {
      return Error{where + ": duplicate client '" + entry.name + "'"};
    }
    std::string id = entry.name;
    plan_references_.push_back({where, entry.terms.plan});
    store_.clients_.emplace(std::move(id),
                            ClientRecord{std::move(entry.name), std::move(entry.hash),
                                         std::move(scopes).value(), std::move(entry.terms)});
    return {};
  }

  // ---- plans and principal terms (see PrincipalTerms, Plan) ----

  static boost::system::result<void, Error> read_term(std::string_view key,
                                                      simdjson::dom::element value,
                                                      const std::string& where,
                                                      PrincipalTerms& terms) {
    if (key == "plan") {
      std::string_view plan;
      if (value.get_string().get(plan) != simdjson::SUCCESS || !is_valid_plan_name(plan)) {
        return Error{where + ".plan: must be a plan name (1-32 of [A-Za-z0-9_.-], a letter first)"};
      }
      terms.plan = plan;
      return {};
    }
    std::int64_t created_at = 0;
    if (value.get_int64().get(created_at) != simdjson::SUCCESS || created_at < 0) {
      return Error{where + ".created_at: must be a non-negative integer (Unix seconds)"};
    }
    terms.created_at = created_at;
    return {};
  }

  boost::system::result<void, Error> read_plans(simdjson::dom::element value) {
    simdjson::dom::object object;
    if (value.get_object().get(object) != simdjson::SUCCESS) {
      return Error{"plans: must be an object of plan name to {requests_per_minute, burst}"};
    }
    if (!has_unique_member_names(object)) return Error{"plans: duplicate plan"};
    for (const auto member : object) {
      const std::string where = "plans." + std::string(member.key);
      auto plan = read_plan(member.value, where);
      if (!plan) return plan.error();
      if (auto ok = store_.set_plan(member.key, *plan); !ok) {
        return Error{where + ": " + ok.error().message};
      }
    }
    return {};
  }

  static boost::system::result<Plan, Error> read_plan(simdjson::dom::element value,
                                                      const std::string& where) {
    simdjson::dom::object object;
    if (value.get_object().get(object) != simdjson::SUCCESS || !has_unique_member_names(object)) {
      return Error{where + ": must be an object {\"requests_per_minute\": N, \"burst\": B}"};
    }
    Plan plan;
    bool has_rate = false;
    for (const auto member : object) {
      std::uint64_t number = 0;
      const bool is_number = member.value.get_uint64().get(number) == simdjson::SUCCESS;
      const bool rate = member.key == "requests_per_minute";
      if (!rate && member.key != "burst") {
        return Error{where + ": unexpected member '" + std::string(member.key) + "'"};
      }
      const std::uint64_t max = rate ? kMaxPlanRequestsPerMinute : kMaxPlanBurst;
      if (!is_number || number > max || (rate && number == 0)) {
        return Error{where + "." + std::string(member.key) + ": must be an integer " +
                     (rate ? "1" : "0") + " to " + std::to_string(max)};
      }
      (rate ? plan.requests_per_minute : plan.burst) = static_cast<std::uint32_t>(number);
      has_rate = has_rate || rate;
    }
    if (!has_rate) return Error{where + ": needs \"requests_per_minute\""};
    return plan;
  }

  // Entries may come before "plans" in the file: their plan names are checked at the end.
  boost::system::result<void, Error> check_plan_references() const {
    for (const auto& [where, plan] : plan_references_) {
      if (!plan.empty() && store_.find_plan(plan) == nullptr) {
        return Error{where + ".plan: unknown plan '" + plan + "'"};
      }
    }
    return {};
  }

  struct PlanReference {
    std::string where;
    std::string plan;
  };

  CredentialStore& store_;
  std::vector<PlanReference> plan_references_;
};

boost::system::result<CredentialStore, Error> CredentialStore::parse(std::string_view json,
                                                                     ScopeSet allowed_scopes) {
  CredentialStore store(std::move(allowed_scopes));
  CredentialFileReader reader(store);
  if (auto ok = reader.read(json); !ok) return ok.error();
  return store;
}

}  // namespace smlapi::auth
