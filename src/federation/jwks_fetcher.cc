#include "federation/jwks_fetcher.h"

#include <algorithm>

#include <simdjson.h>

#include "auth/federation/discovery_document.h"
#include "auth/federation/jwks.h"
#include "federation/cache_control.h"

namespace smlapi::federation {
namespace {

using Clock = std::chrono::steady_clock;

// Same kids with the same key material: nothing to publish (workers keep their caches).
bool same_keys(const auth::KeySet* before, const auth::KeySet& after) {
  if (before == nullptr || before->kids() != after.kids()) return false;
  for (const std::string& kid : after.kids()) {
    if (!auth::have_same_key_material(*before->find(kid), *after.find(kid))) return false;
  }
  return true;
}

std::string describe(const auth::KeySet& keys, std::size_t skipped) {
  std::string text = "kids";
  for (const std::string& kid : keys.kids()) text += " " + kid;
  if (skipped != 0) text += " (" + std::to_string(skipped) + " unusable keys skipped)";
  return text;
}

}  // namespace

JwksFetcher::JwksFetcher(std::vector<auth::federation::TrustedIssuer> issuers, HttpsClient client,
                         std::shared_ptr<FederationKeys> keys,
                         std::chrono::seconds min_refresh_interval, FederationLog log)
    : issuers_(std::move(issuers)),
      client_(std::move(client)),
      keys_(std::move(keys)),
      min_refresh_interval_(min_refresh_interval),
      log_(std::move(log)),
      states_(issuers_.size()) {}

JwksFetcher::~JwksFetcher() { stop(); }

void JwksFetcher::start() {
  thread_ = std::thread([this] { run(); });
}

void JwksFetcher::stop() {
  stopping_.store(true);
  keys_->wake();
  if (thread_.joinable()) thread_.join();
}

Clock::time_point JwksFetcher::next_wakeup() const {
  Clock::time_point wakeup = Clock::time_point::max();
  for (std::size_t i = 0; i < states_.size(); ++i) {
    wakeup = std::min(wakeup, states_[i].next_due);
    // A refresh asked for while rate-limited happens when the interval has passed.
    if (keys_->refresh_requested(i)) {
      wakeup = std::min(wakeup, states_[i].last_attempt + min_refresh_interval_);
    }
  }
  return wakeup;
}

void JwksFetcher::run() {
  while (!stopping_.load()) {
    const Clock::time_point now = Clock::now();
    for (std::size_t i = 0; i < states_.size() && !stopping_.load(); ++i) {
      IssuerState& state = states_[i];
      const bool rate_limited = state.attempted && now < state.last_attempt + min_refresh_interval_;
      const bool wanted = keys_->refresh_requested(i) && !rate_limited;
      if (now < state.next_due && !wanted) continue;
      keys_->take_refresh_request(i);
      state.attempted = true;
      state.last_attempt = now;
      state.next_due = Clock::now() + refresh(i);
    }
    keys_->wait_until(next_wakeup());
  }
}

boost::system::result<auth::federation::HttpsUrl, auth::Error> JwksFetcher::jwks_url_of(
    std::size_t index) {
  const auth::federation::TrustedIssuer& issuer = issuers_[index];
  if (!issuer.jwks_url.empty()) {
    auto url = auth::federation::parse_https_url(issuer.jwks_url);
    if (!url) return url.error();
    return std::move(url).value();
  }
  auto discovery_url =
      auth::federation::parse_https_url(auth::federation::discovery_url_of(issuer.issuer));
  if (!discovery_url) return auth::Error{"discovery URL: " + discovery_url.error().message};
  auto answer = client_.get(*discovery_url);
  if (!answer) return auth::Error{"discovery: " + answer.error().message};
  simdjson::dom::parser parser;
  auto document = auth::federation::parse_discovery_document(parser, answer->body, issuer.issuer);
  if (!document) return document.error();
  return std::move(document->jwks_uri);
}

Clock::duration JwksFetcher::refresh(std::size_t index) {
  const auth::federation::TrustedIssuer& issuer = issuers_[index];
  IssuerState& state = states_[index];
  const auto failed = [&](std::string_view why) -> Clock::duration {
    log_("warn", "federation.keys_failed",
         "issuer " + issuer.name + ": " + std::string(why) +
             (keys_->current()->keys[index] ? "; keeping the last good keys"
                                            : "; its tokens get 401 until keys arrive"));
    state.jwks_url.reset();  // discover again next time: the provider may have moved its keys
    return min_refresh_interval_;
  };

  if (!state.jwks_url) {
    auto url = jwks_url_of(index);
    if (!url) return failed(url.error().message);
    state.jwks_url = std::move(url).value();
  }
  auto answer = client_.get(*state.jwks_url);
  if (!answer) return failed("JWKS: " + answer.error().message);
  simdjson::dom::parser parser;
  auto parsed = auth::federation::parse_jwks(parser, answer->body, issuer.algorithms);
  if (!parsed) return failed(parsed.error().message);
  const std::size_t skipped = parsed->skipped;
  auto set = auth::KeySet::create(std::move(parsed->keys), std::nullopt);
  if (!set) return failed(set.error().message);
  auto keys = std::make_shared<const auth::KeySet>(std::move(set).value());
  if (!same_keys(keys_->current()->keys[index].get(), *keys)) {
    log_("info", "federation.keys", "issuer " + issuer.name + ": " + describe(*keys, skipped));
    keys_->publish(index, std::move(keys));
  }
  return keys_lifetime(answer->cache_control);
}

}  // namespace smlapi::federation
