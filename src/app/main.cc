// secure-ml-api: entry point. Dispatches to the subcommands in commands.h.
#include "app/build_info.h"
#include "app/commands.h"
#include "app/options.h"
#include "app/serve_config.h"

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char* kUsage =
    "Usage: secure-ml-api [COMMAND] [OPTIONS]\n"
    "\n"
    "A secure-by-default VADER sentiment inference API.\n"
    "\n"
    "Commands:\n"
    "  serve                      Run the HTTP API (the default command)\n"
    "  score [OPTIONS] [FILE...]  Score texts from lines, JSON lines or CSV/TSV files (or stdin)\n"
    "                             into JSON lines or CSV, in order (score --help)\n"
    "  users add|remove|list|passwd NAME --users-file PATH [--scopes predict,admin]\n"
    "                             Manage people (password grant); passwords come from stdin\n"
    "  clients add|remove|list|passwd ID --users-file PATH [--scopes predict]\n"
    "                             Manage OAuth clients (client_credentials, recommended)\n"
    "  users|clients set-scopes NAME --scopes LIST | set-plan NAME PLAN|none --users-file PATH\n"
    "                             Change a principal's scopes or rate-limit plan\n"
    "  plans set NAME --requests-per-minute N [--burst B] | remove NAME | list --users-file PATH\n"
    "                             Define per-principal rate-limit plans (quotas)\n"
    "  keys generate --alg EdDSA|ES256|RS256|HS256 --kid KID --out DIR\n"
    "                             Create a signing key (private file mode 0600)\n"
    "  healthcheck [--url URL]    Exit 0 when the local service answers /healthz with 200\n"
    "                             (over TLS when SMLAPI_TLS_CERT is set or URL is https://)\n"
    "  sleep SECONDS              Wait (Kubernetes preStop in an image without a shell)\n"
    "  version                    Print the version";

}  // namespace

int main(int argc, char** argv) {
  using namespace smlapi::app;
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command = "serve";
  if (!args.empty() && !args[0].starts_with("-")) {
    command = args[0];
    args.erase(args.begin());
  }
  bool help = !args.empty() && (args[0] == "--help" || args[0] == "-h");
  if (command == "help" || (command == "serve" && help)) {
    std::cout << format_help(kUsage, serve_options()) << std::flush;
    return 0;
  }
  if (command == "version" || (args.size() == 1 && args[0] == "--version")) {
    std::cout << "secure-ml-api " << kVersion << " (" << kGitCommit << ")\n";
    return 0;
  }
  try {
    if (command == "serve") return serve_command(args);
    if (command == "score") return score_command(args);
    if (command == "users") return users_command(args, false);
    if (command == "clients") return users_command(args, true);
    if (command == "plans") return plans_command(args);
    if (command == "keys") return keys_command(args);
    if (command == "healthcheck") return healthcheck_command(args);
    if (command == "sleep") return sleep_command(args);
  } catch (const std::exception& error) {
    // Truly exceptional (out of memory, a library failure): say so, never a core dump.
    std::cerr << "secure-ml-api " << command << ": fatal: " << error.what() << "\n";
    return 1;
  }
  std::cerr << "secure-ml-api: unknown command '" << command << "'\n\n" << kUsage << "\n";
  return 2;
}
