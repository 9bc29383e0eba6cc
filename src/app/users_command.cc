// `secure-ml-api users|clients add|remove|list|passwd|set-scopes|set-plan NAME --users-file PATH`,
// `clients rotate NAME`, `clients add --public NAME` and `secure-ml-api plans set|remove|list`.
// Passwords and secrets come from stdin (a prompt without echo on a terminal),
// never from the command line, where other users could read them in ps.
// Client secrets the service generates (--generate-secret, rotate) are printed
// once and stored as a keyed hash (auth/keyed_secret_hash.h): checked in
// microseconds. Secrets read from stdin are stored as Argon2id, like passwords,
// since nothing says they are random.
#include "app/commands.h"
#include "app/options.h"
#include "auth/algorithm.h"
#include "auth/credential_store.h"
#include "auth/key_directory.h"
#include "auth/password_hasher.h"
#include "auth/scopes.h"

#include <termios.h>
#include <unistd.h>

#include <charconv>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <vector>

namespace smlapi::app {

namespace {

const std::vector<OptionSpec>& user_options() {
  static const std::vector<OptionSpec> kSpecs = {
      {"users-file", "", "The JSON users file to change (created if missing)"},
      {"scopes", "predict", "Comma-separated scopes to grant (predict, admin)"},
      {"generate-secret", "",
       "clients add/passwd: make a random 256-bit secret, print it once, store a fast keyed hash",
       true},
      {"public", "", "clients add: a public client (no secret) the password grant may name", true},
  };
  return kSpecs;
}

std::string read_secret(const char* prompt) {
  bool tty = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::cerr << prompt << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios silent = saved;
    silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &silent);
  }
  std::string secret;
  std::getline(std::cin, secret);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  return secret;
}

std::vector<std::string> scopes_of(const std::string& list) {
  std::vector<std::string> scopes;
  std::string current;
  for (char c : list + ",") {
    if (c == ',' || c == ' ') {
      if (!current.empty()) scopes.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  return scopes;
}

std::string plan_column(const auth::PrincipalTerms& terms) {
  return terms.plan.empty() ? std::string() : "\tplan=" + terms.plan;
}

int fail(const std::string& message) {
  std::cerr << "secure-ml-api: " << message << "\n";
  return 1;
}

// ---- principal terms: plans, scopes, creation time (kept apart from the secrets) ----------

// `set-scopes NAME --scopes ...`, `set-plan NAME PLAN|none`; nullopt for another action.
std::optional<boost::system::result<void, auth::Error>> change_terms(auth::CredentialStore& store,
                                                                     bool clients,
                                                                     const std::string& action,
                                                                     const std::string& name,
                                                                     const ParsedOptions& options) {
  if (action == "set-scopes") {
    auto scopes = scopes_of(options.get("scopes"));
    return clients ? store.set_client_scopes(name, std::move(scopes))
                   : store.set_user_scopes(name, std::move(scopes));
  }
  if (action == "set-plan") {
    if (options.positional.size() != 3) {
      return auth::Error{"set-plan needs NAME and PLAN (a plan of `plans list`, or none)"};
    }
    const std::string& plan = options.positional[2];
    return clients ? store.set_client_plan(name, plan) : store.set_user_plan(name, plan);
  }
  return std::nullopt;
}

// A new principal's creation time: a token issued before it (by an earlier principal of the
// same name) has no authority over the new one.
boost::system::result<void, auth::Error> stamp_created(auth::CredentialStore& store, bool clients,
                                                       const std::string& name) {
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  return clients ? store.set_client_created_at(name, now) : store.set_user_created_at(name, now);
}

}  // namespace

int users_command(std::span<const std::string> args, bool clients) {
  const char* noun = clients ? "clients" : "users";
  auto options = parse_options(user_options(), args, environment_variable);
  if (!options) return fail(options.error().message);
  const auto& positional = options->positional;
  std::string path = options->get("users-file");
  if (positional.empty() || path.empty()) {
    std::cerr << "usage: secure-ml-api " << noun << " add|remove|list|passwd|set-scopes"
              << (clients ? "|rotate" : "") << " NAME --users-file PATH [--scopes predict,admin]"
              << (clients ? " [--generate-secret] [--public]" : "") << "\n"
              << "       secure-ml-api " << noun << " set-plan NAME PLAN|none --users-file PATH\n";
    return 2;
  }
  const std::string& action = positional[0];
  auth::CredentialStore store;
  if (std::filesystem::exists(path)) {
    auto loaded = auth::CredentialStore::load(path);
    if (!loaded) return fail(loaded.error().message);
    store = std::move(*loaded);
  }
  if (action == "list") {
    if (clients) {
      for (const auto& [id, record] : store.clients())
        std::cout << id << "\t" << auth::join_scopes(record.scopes) << plan_column(record.terms)
                  << "\n";
      for (const auto& id : store.public_clients()) std::cout << id << "\t(public)\n";
    } else {
      for (const auto& [name, record] : store.users())
        std::cout << name << "\t" << auth::join_scopes(record.scopes) << plan_column(record.terms)
                  << "\n";
    }
    return 0;
  }
  if (positional.size() != 2 && !(action == "set-plan" && positional.size() == 3))
    return fail(std::string(noun) + " " + action + " needs exactly one NAME");
  const std::string& name = positional[1];
  auth::PasswordHasher hasher;
  boost::system::result<void, auth::Error> changed;
  std::string generated;
  // A generated secret: kept to print once, the store keeps only its keyed hash.
  auto keep = [&](boost::system::result<std::string, auth::Error> made) {
    if (!made) return boost::system::result<void, auth::Error>(made.error());
    generated = std::move(made).value();
    return boost::system::result<void, auth::Error>();
  };
  const bool generate = clients && options->has("generate-secret");
  if (options->has("public") && !(clients && action == "add")) {
    return fail("--public is for `clients add` only");
  }
  if (action == "add" && clients && options->has("public")) {
    if (generate) return fail("a public client has no secret: drop --generate-secret");
    changed = store.add_public_client(name);
  } else if (action == "add" && generate) {
    changed = keep(store.add_generated_client(name, scopes_of(options->get("scopes"))));
    if (changed) changed = stamp_created(store, clients, name);
  } else if (action == "add") {
    std::string value = read_secret(clients ? "Client secret: " : "Password: ");
    changed = clients ? store.add_client(name, value, scopes_of(options->get("scopes")), hasher)
                      : store.add_user(name, value, scopes_of(options->get("scopes")), hasher);
    if (changed) changed = stamp_created(store, clients, name);
  } else if ((action == "passwd" && generate) || (action == "rotate" && clients)) {
    changed = keep(store.rotate_client_secret(name));
  } else if (action == "passwd") {
    std::string value = read_secret(clients ? "Client secret: " : "Password: ");
    changed = clients ? store.set_client_secret(name, value, hasher)
                      : store.set_user_password(name, value, hasher);
  } else if (action == "remove") {
    changed = clients ? store.remove_client(name) : store.remove_user(name);
  } else if (auto terms = change_terms(store, clients, action, name, *options)) {
    changed = std::move(*terms);
  } else {
    return fail("unknown action '" + action + "' (add, remove, list, passwd, set-scopes, set-plan" +
                (clients ? ", rotate)" : ")"));
  }
  if (!changed) return fail(changed.error().message);
  if (auto saved = store.save(path); !saved) return fail(saved.error().message);
  if (!generated.empty()) std::cout << generated << "\n";  // shown once, only its hash is kept
  std::cerr << noun << ": " << action << " " << name << ": done\n";
  return 0;
}

// `plans set NAME --requests-per-minute N [--burst B] | remove NAME | list --users-file PATH`.
int plans_command(std::span<const std::string> args) {
  static const std::vector<OptionSpec> kSpecs = {
      {"users-file", "", "The JSON users file to change (created if missing)"},
      {"requests-per-minute", "", "set: the plan's sustained rate (1-1000000)"},
      {"burst", "0", "set: requests that may be spent at once on top (0-100000)"},
  };
  auto options = parse_options(kSpecs, args, environment_variable);
  if (!options) return fail(options.error().message);
  const auto& positional = options->positional;
  const std::string path = options->get("users-file");
  if (positional.empty() || path.empty()) {
    std::cerr << "usage: secure-ml-api plans set NAME --requests-per-minute N [--burst B] "
                 "--users-file PATH\n"
                 "       secure-ml-api plans remove NAME | list --users-file PATH\n";
    return 2;
  }
  auth::CredentialStore store;
  if (std::filesystem::exists(path)) {
    auto loaded = auth::CredentialStore::load(path);
    if (!loaded) return fail(loaded.error().message);
    store = std::move(*loaded);
  }
  const std::string& action = positional[0];
  if (action == "list") {
    for (const auto& [name, plan] : store.plans()) {
      std::cout << name << "\trequests_per_minute=" << plan.requests_per_minute
                << "\tburst=" << plan.burst << "\n";
    }
    return 0;
  }
  if (positional.size() != 2) return fail("plans " + action + " needs exactly one NAME");
  const std::string& name = positional[1];
  boost::system::result<void, auth::Error> changed;
  if (action == "set") {
    const auto number = [&](const std::string& option) -> std::optional<std::uint32_t> {
      const std::string text = options->get(option);
      std::uint32_t value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
      return value;
    };
    const auto rate = number("requests-per-minute");
    const auto burst = number("burst");
    if (!rate || !burst)
      return fail("plans set needs --requests-per-minute N and --burst B as integers");
    changed = store.set_plan(name, auth::Plan{*rate, *burst});
  } else if (action == "remove") {
    changed = store.remove_plan(name);
  } else {
    return fail("unknown action '" + action + "' (set, remove, list)");
  }
  if (!changed) return fail(changed.error().message);
  if (auto saved = store.save(path); !saved) return fail(saved.error().message);
  std::cerr << "plans: " << action << " " << name << ": done\n";
  return 0;
}

int keys_command(std::span<const std::string> args) {
  static const std::vector<OptionSpec> kSpecs = {
      {"alg", "EdDSA", "EdDSA, ES256, RS256 or HS256"},
      {"kid", "", "Key id (also the file name)"},
      {"out", "", "Directory to write into (created with mode 0700)"},
  };
  auto options = parse_options(kSpecs, args, environment_variable);
  if (!options) return fail(options.error().message);
  if (options->positional.size() != 1 || options->positional[0] != "generate" ||
      options->get("kid").empty() || options->get("out").empty()) {
    std::cerr
        << "usage: secure-ml-api keys generate --alg EdDSA|ES256|RS256|HS256 --kid KID --out DIR\n";
    return 2;
  }
  auto algorithm = auth::parse_algorithm(options->get("alg"));
  if (!algorithm) return fail("--alg must be one of EdDSA, ES256, RS256, HS256");
  auto files = auth::generate_key_files(*algorithm, options->get("kid"), options->get("out"));
  if (!files) return fail(files.error().message);
  std::cout << files->private_file.string() << "\n";
  if (files->public_file) std::cout << files->public_file->string() << "\n";
  return 0;
}

}  // namespace smlapi::app
