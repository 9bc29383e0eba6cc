// ServiceMetrics: per-worker registries merged at scrape time. Counters and
// histograms of different workers sum per label set; every family appears once;
// the text is valid Prometheus exposition (checked by promtool when installed).
#include "api/service_metrics.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace smlapi::api {
namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Parses one sample line: name{k="v",...} value. Returns false when malformed.
bool parse_sample(std::string_view line, Sample& sample) {
  std::size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  sample.name = std::string(line.substr(0, i));
  if (sample.name.empty()) return false;
  for (char c : sample.name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':')) return false;
  }
  sample.labels.clear();
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      std::size_t eq = line.find("=\"", i);
      if (eq == std::string_view::npos) return false;
      std::string key(line.substr(i, eq - i));
      std::string value;
      i = eq + 2;
      for (; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) {
          ++i;
          value.push_back(line[i] == 'n' ? '\n' : line[i]);
        } else {
          value.push_back(line[i]);
        }
      }
      if (i >= line.size()) return false;
      ++i;  // closing quote
      if (!sample.labels.emplace(key, value).second) return false;
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return false;
    ++i;  // '}'
  }
  if (i >= line.size() || line[i] != ' ') return false;
  std::string number(line.substr(i + 1));
  char* end = nullptr;
  sample.value = std::strtod(number.c_str(), &end);
  return end != number.c_str() && (*end == '\0' || *end == ' ');
}

class Scrape {
 public:
  explicit Scrape(std::string text) : text_(std::move(text)) {
    std::istringstream lines(text_);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      if (line.rfind("# TYPE ", 0) == 0) {
        std::string family = line.substr(7, line.find(' ', 7) - 7);
        EXPECT_TRUE(types_.insert(family).second) << "family written twice: " << family;
        continue;
      }
      if (line[0] == '#') continue;
      Sample sample;
      EXPECT_TRUE(parse_sample(line, sample)) << "malformed sample line: " << line;
      std::string key = sample.name;
      for (const auto& [k, v] : sample.labels) key += "|" + k + "=" + v;
      EXPECT_TRUE(keys_.insert(key).second) << "series written twice: " << line;
      samples_.push_back(std::move(sample));
    }
  }

  bool has_family(const std::string& name) const { return types_.count(name) != 0; }

  // The value of the one sample with exactly these labels (le compared numerically).
  std::optional<double> value(std::string_view name,
                              const std::map<std::string, std::string>& labels) const {
    for (const Sample& sample : samples_) {
      if (sample.name != name || sample.labels.size() != labels.size()) continue;
      bool same = true;
      for (const auto& [key, want] : labels) {
        auto found = sample.labels.find(key);
        if (found == sample.labels.end()) {
          same = false;
        } else if (key == "le" && want != "+Inf") {
          same = std::strtod(found->second.c_str(), nullptr) == std::strtod(want.c_str(), nullptr);
        } else {
          same = found->second == want;
        }
        if (!same) break;
      }
      if (same) return sample.value;
    }
    return std::nullopt;
  }

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::set<std::string> types_;
  std::set<std::string> keys_;
  std::vector<Sample> samples_;
};

using Labels = std::map<std::string, std::string>;

const Labels kPredictOk{{"route", "/predict"}, {"method", "POST"}, {"status", "200"}};

Labels with(Labels labels, std::string key, std::string value) {
  labels[std::move(key)] = std::move(value);
  return labels;
}

class ServiceMetricsTest : public ::testing::Test {
 protected:
  ServiceMetricsTest() : metrics_(2, BuildInfo{"1.2.3", "abc123"}) {
    metrics_.worker(0).observe_request(Route::predict, MethodLabel::post, 200, 0.003, 100, 200);
    metrics_.worker(1).observe_request(Route::predict, MethodLabel::post, 200, 0.003, 100, 200);
    metrics_.worker(1).observe_request(Route::predict, MethodLabel::post, 200, 0.002, 300, 2000);
    metrics_.worker(1).observe_request(Route::not_found, MethodLabel::get, 404, 0.00005, 0, 22);
    metrics_.worker(0).prediction("vader", model::Label::positive);
    metrics_.worker(1).prediction("vader", model::Label::positive, 2);
    metrics_.background().prediction("vader", model::Label::negative);
    metrics_.worker(1).prediction("afinn", model::Label::negative, 4);
    metrics_.worker(0).error("client_error");
    metrics_.worker(1).error("client_error");
    metrics_.worker(0).in_flight().Increment(2);
    metrics_.worker(1).in_flight().Increment();
    metrics_.worker(0).connections().Increment();
    metrics_.worker(1).rate_limited(Route::predict, "predict");
    metrics_.worker(0).store_latency("memory", 0.0001);
    metrics_.worker(1).store_latency("memory", 0.0001);
    metrics_.worker(0).auth_failure("expired");
    metrics_.background().token_issued("password");
    metrics_.worker(0).shed("connections");
    metrics_.worker(1).ratelimit_eviction(3);
    metrics_.worker(0).store_error("redis");
    metrics_.redis_up().Set(1);
  }

  ServiceMetrics metrics_;
};

TEST_F(ServiceMetricsTest, CountersOfAllWorkersSum) {
  Scrape scrape(metrics_.scrape(ServiceMetrics::Audience::admin));
  EXPECT_EQ(scrape.value("smlapi_http_requests_total", kPredictOk), 3.0);
  EXPECT_EQ(scrape.value("smlapi_http_requests_total",
                         {{"route", "unmatched"}, {"method", "GET"}, {"status", "404"}}),
            1.0);
  EXPECT_EQ(scrape.value("smlapi_predictions_total", {{"model", "vader"}, {"label", "POSITIVE"}}),
            3.0);
  EXPECT_EQ(scrape.value("smlapi_predictions_total", {{"model", "vader"}, {"label", "NEGATIVE"}}),
            1.0);
  EXPECT_EQ(scrape.value("smlapi_predictions_total", {{"model", "afinn"}, {"label", "NEGATIVE"}}),
            4.0);
  EXPECT_EQ(scrape.value("smlapi_errors_total", {{"kind", "client_error"}}), 2.0);
  EXPECT_EQ(scrape.value("smlapi_ratelimit_evictions_total", {}), 3.0);
  EXPECT_EQ(scrape.value("smlapi_ratelimit_limited_total",
                         {{"route", "/predict"}, {"policy", "predict"}}),
            1.0);
  EXPECT_EQ(scrape.value("smlapi_auth_tokens_issued_total", {{"grant_type", "password"}}), 1.0);
}

TEST_F(ServiceMetricsTest, GaugesOfAllWorkersSum) {
  Scrape scrape(metrics_.scrape(ServiceMetrics::Audience::admin));
  EXPECT_EQ(scrape.value("smlapi_http_requests_in_flight", {}), 3.0);
  EXPECT_EQ(scrape.value("smlapi_http_connections_active", {}), 1.0);
  EXPECT_EQ(scrape.value("smlapi_redis_up", {}), 1.0);
  EXPECT_EQ(scrape.value("smlapi_build_info", {{"version", "1.2.3"}, {"git_commit", "abc123"}}),
            1.0);
}

// The public port's scrape tells no forger why its token failed and no attacker which commit
// runs; the admin port's keeps both (docs/security.md, "Metrics on the admin port").
TEST_F(ServiceMetricsTest, PublicScrapeHasNoCommitNorFailureReasons) {
  metrics_.worker(1).auth_failure("bad_signature");
  Scrape open(metrics_.scrape(ServiceMetrics::Audience::public_port));
  EXPECT_EQ(open.value("smlapi_build_info", {{"version", "1.2.3"}}), 1.0);
  EXPECT_EQ(open.value("smlapi_build_info", {{"version", "1.2.3"}, {"git_commit", "abc123"}}),
            std::nullopt);
  EXPECT_EQ(open.value("smlapi_auth_failures_total", {}), 2.0);
  EXPECT_EQ(open.value("smlapi_auth_failures_total", {{"reason", "expired"}}), std::nullopt);
  EXPECT_EQ(open.text().find("abc123"), std::string::npos);
  EXPECT_EQ(open.text().find("bad_signature"), std::string::npos);
  Scrape admin(metrics_.scrape(ServiceMetrics::Audience::admin));
  EXPECT_EQ(admin.value("smlapi_auth_failures_total", {{"reason", "expired"}}), 1.0);
  EXPECT_EQ(admin.value("smlapi_auth_failures_total", {{"reason", "bad_signature"}}), 1.0);
}

TEST_F(ServiceMetricsTest, HistogramsOfAllWorkersSum) {
  Scrape scrape(metrics_.scrape(ServiceMetrics::Audience::admin));
  const std::string duration = "smlapi_http_request_duration_seconds";
  EXPECT_EQ(scrape.value(duration + "_count", kPredictOk), 3.0);
  auto sum = scrape.value(duration + "_sum", kPredictOk);
  ASSERT_TRUE(sum.has_value());
  EXPECT_NEAR(*sum, 0.008, 1e-12);
  EXPECT_EQ(scrape.value(duration + "_bucket", with(kPredictOk, "le", "0.001")), 0.0);
  EXPECT_EQ(scrape.value(duration + "_bucket", with(kPredictOk, "le", "0.0025")), 1.0);
  EXPECT_EQ(scrape.value(duration + "_bucket", with(kPredictOk, "le", "0.005")), 3.0);
  EXPECT_EQ(scrape.value(duration + "_bucket", with(kPredictOk, "le", "+Inf")), 3.0);

  const Labels route{{"route", "/predict"}};
  EXPECT_EQ(scrape.value("smlapi_http_request_size_bytes_count", route), 3.0);
  EXPECT_EQ(scrape.value("smlapi_http_request_size_bytes_sum", route), 500.0);
  EXPECT_EQ(scrape.value("smlapi_http_response_size_bytes_bucket", with(route, "le", "256")), 2.0);
  EXPECT_EQ(scrape.value("smlapi_http_response_size_bytes_bucket", with(route, "le", "4096")), 3.0);
  EXPECT_EQ(scrape.value("smlapi_ratelimit_store_latency_seconds_count", {{"store", "memory"}}),
            2.0);
}

TEST_F(ServiceMetricsTest, EveryDocumentedFamilyIsPresentOnce) {
  Scrape scrape(metrics_.scrape(ServiceMetrics::Audience::admin));
  for (const char* family :
       {"smlapi_http_requests_total", "smlapi_http_request_duration_seconds",
        "smlapi_http_requests_in_flight", "smlapi_http_request_size_bytes",
        "smlapi_http_response_size_bytes", "smlapi_http_connections_active",
        "smlapi_http_requests_shed_total", "smlapi_predictions_total", "smlapi_errors_total",
        "smlapi_auth_tokens_issued_total", "smlapi_auth_failures_total",
        "smlapi_ratelimit_limited_total", "smlapi_ratelimit_evictions_total",
        "smlapi_ratelimit_store_errors_total", "smlapi_ratelimit_store_latency_seconds",
        "smlapi_redis_up", "smlapi_build_info"}) {
    EXPECT_TRUE(scrape.has_family(family)) << family;
  }
}

TEST_F(ServiceMetricsTest, ScrapingTwiceGivesTheSameTotals) {
  Scrape first(metrics_.scrape(ServiceMetrics::Audience::admin));
  Scrape second(metrics_.scrape(
      ServiceMetrics::Audience::admin));  // merging must not accumulate into the registries
  EXPECT_EQ(second.value("smlapi_http_requests_total", kPredictOk), 3.0);
  // The process_* families read the process's live state (CPU, memory): compare the service's.
  auto service_part = [](const std::string& text) {
    std::string kept;
    std::size_t at = 0;
    while (at < text.size()) {
      std::size_t end = text.find('\n', at);
      if (end == std::string::npos) end = text.size();
      std::string_view line(text.data() + at, end - at);
      if (line.find("process_") == std::string_view::npos) kept.append(line).push_back('\n');
      at = end + 1;
    }
    return kept;
  };
  EXPECT_EQ(service_part(first.text()), service_part(second.text()));
}

TEST(ServiceMetrics, DeclaredModelsHaveZeroSeriesBeforeTheirFirstText) {
  ServiceMetrics metrics(2, BuildInfo{"0.0.0", "unknown"});
  const std::vector<std::string_view> models = {"vader", "afinn"};
  metrics.declare_models(models);
  Scrape scrape(metrics.scrape(ServiceMetrics::Audience::admin));
  for (const char* model : {"vader", "afinn"}) {
    for (const char* label : {"POSITIVE", "NEGATIVE", "NEUTRAL"}) {
      EXPECT_EQ(scrape.value("smlapi_predictions_total", {{"model", model}, {"label", label}}), 0.0)
          << model << " " << label;
    }
  }
}

TEST(ServiceMetrics, FreshServiceScrapesWithoutSamplesOfItsOwn) {
  ServiceMetrics metrics(1, BuildInfo{"0.0.0", "unknown"});
  Scrape scrape(metrics.scrape(ServiceMetrics::Audience::admin));
  EXPECT_TRUE(scrape.has_family("smlapi_build_info"));
  EXPECT_EQ(scrape.value("smlapi_http_requests_in_flight", {}), 0.0);
}

TEST_F(ServiceMetricsTest, PromtoolAcceptsTheScrape) {
#ifndef SMLAPI_PROMTOOL
  GTEST_SKIP() << "promtool not found at configure time (Debian package `prometheus`)";
#else
  if (::access(SMLAPI_PROMTOOL, X_OK) != 0) GTEST_SKIP() << SMLAPI_PROMTOOL << " not executable";
  char path[] = "/tmp/smlapi-scrape-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string text = metrics_.scrape(ServiceMetrics::Audience::admin);
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fd);
  std::string command = std::string(SMLAPI_PROMTOOL) + " check metrics < " + path + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char chunk[512];
  while (std::size_t n = std::fread(chunk, 1, sizeof chunk, pipe)) output.append(chunk, n);
  int status = ::pclose(pipe);
  ::unlink(path);
  EXPECT_EQ(status, 0) << "promtool check metrics:\n" << output;
#endif
}

}  // namespace
}  // namespace smlapi::api
