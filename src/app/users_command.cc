// `secure-ml-api users|clients add|remove|list|passwd NAME --users-file PATH`,
// `clients rotate NAME` and `clients add --public NAME`.
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

#include <filesystem>
#include <iostream>
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

int fail(const std::string& message) {
  std::cerr << "secure-ml-api: " << message << "\n";
  return 1;
}

}  // namespace

int users_command(std::span<const std::string> args, bool clients) {
  const char* noun = clients ? "clients" : "users";
  auto options = parse_options(user_options(), args, environment_variable);
  if (!options) return fail(options.error().message);
  const auto& positional = options->positional;
  std::string path = options->get("users-file");
  if (positional.empty() || path.empty()) {
    std::cerr << "usage: secure-ml-api " << noun << " add|remove|list|passwd"
              << (clients ? "|rotate" : "") << " NAME --users-file PATH [--scopes predict,admin]"
              << (clients ? " [--generate-secret] [--public]" : "") << "\n";
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
        std::cout << id << "\t" << auth::join_scopes(record.scopes) << "\n";
      for (const auto& id : store.public_clients()) std::cout << id << "\t(public)\n";
    } else {
      for (const auto& [name, record] : store.users())
        std::cout << name << "\t" << auth::join_scopes(record.scopes) << "\n";
    }
    return 0;
  }
  if (positional.size() != 2)
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
  } else if (action == "add") {
    std::string value = read_secret(clients ? "Client secret: " : "Password: ");
    changed = clients ? store.add_client(name, value, scopes_of(options->get("scopes")), hasher)
                      : store.add_user(name, value, scopes_of(options->get("scopes")), hasher);
  } else if ((action == "passwd" && generate) || (action == "rotate" && clients)) {
    changed = keep(store.rotate_client_secret(name));
  } else if (action == "passwd") {
    std::string value = read_secret(clients ? "Client secret: " : "Password: ");
    changed = clients ? store.set_client_secret(name, value, hasher)
                      : store.set_user_password(name, value, hasher);
  } else if (action == "remove") {
    changed = clients ? store.remove_client(name) : store.remove_user(name);
  } else {
    return fail("unknown action '" + action + "' (add, remove, list, passwd" +
                (clients ? ", rotate)" : ")"));
  }
  if (!changed) return fail(changed.error().message);
  if (auto saved = store.save(path); !saved) return fail(saved.error().message);
  if (!generated.empty()) std::cout << generated << "\n";  // shown once, only its hash is kept
  std::cerr << noun << ": " << action << " " << name << ": done\n";
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
