#include "in_process_api.h"

#include "auth/credential_store.h"
#include "auth/password_hasher.h"
#include "common/json_writer.h"
#include "vader/model.h"
#include "vader/sentiment_model.h"

#include <stdlib.h>

#include <stdexcept>

namespace smlapi::bench {

namespace {

std::shared_ptr<const model::ModelRegistry> vader_only() {
  auto registry = std::make_shared<model::ModelRegistry>();
  registry->add(std::make_shared<vader::SentimentModel>(vader::Model::builtin()));
  return registry;
}

constexpr std::string_view kBenchUser = "bench-user";

// A private directory with a users file for `options.users_file` (empty path: none).
std::filesystem::path write_users_file(const InProcessApiOptions& options) {
  if (options.users_file == InProcessApiOptions::UsersFile::none) return {};
  std::string pattern = (std::filesystem::temp_directory_path() / "smlapi-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  const std::filesystem::path dir(pattern);
  auth::CredentialStore store;
  const auth::PasswordHasher hasher(
      auth::Argon2Params{.memory_kib = 64, .iterations = 1, .parallelism = 1});
  bool ok = static_cast<bool>(store.add_user(kBenchUser, "bench-password", {"predict"}, hasher));
  if (options.users_file == InProcessApiOptions::UsersFile::plan) {
    ok = ok && store.set_plan("gold", auth::Plan{1'000'000, 100'000}) &&
         store.set_user_plan(kBenchUser, "gold");
  }
  if (!ok || !store.save(dir / "users.json")) throw std::runtime_error("cannot write users file");
  return dir;
}

api::testing::InProcessOptions service_options(const InProcessApiOptions& options,
                                               const std::filesystem::path& users_dir) {
  api::testing::InProcessOptions service;
  if (!users_dir.empty()) service.users_file = users_dir / "users.json";
  service.algorithm = options.algorithm;
  service.rate_limits = options.rate_limits;
  service.access_log = options.access_log;
  return service;
}

}  // namespace

InProcessApi::InProcessApi(InProcessApiOptions options)
    : users_dir_(write_users_file(options)),
      service_(std::make_unique<api::testing::InProcessService>(
          vader_only(), service_options(options, users_dir_))),
      token_(service_->token(kBenchUser, {"predict"})) {}

InProcessApi::~InProcessApi() {
  service_.reset();
  std::error_code ignored;
  if (!users_dir_.empty()) std::filesystem::remove_all(users_dir_, ignored);
}

std::string healthz_request() { return api::testing::get_request("/healthz"); }

std::string predict_request(std::string_view token, std::string_view text) {
  return api::testing::post_json("/predict", token, "{\"text\":" + json::quoted(text) + "}");
}

std::string batch_request(std::string_view token, std::string_view text, std::size_t count) {
  std::string body = "{\"texts\":[";
  const std::string quoted = json::quoted(text);
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) body += ',';
    body += quoted;
  }
  body += "]}";
  return api::testing::post_json("/predict/batch", token, body);
}

}  // namespace smlapi::bench
