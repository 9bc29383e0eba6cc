// The request pipeline in process (api::testing::InProcessService): the real parser, route
// table, admission, endpoints, metrics and logs, without sockets. Endpoint behaviour that
// needs no network is tested here; tests/integration drives the real binary.
#include "api/testing/in_process_service.h"

#include "afinn/model.h"
#include "afinn/sentiment_model.h"
#include "vader/model.h"
#include "vader/sentiment_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace smlapi::api::testing {
namespace {

std::shared_ptr<const model::ModelRegistry> both_models() {
  auto registry = std::make_shared<model::ModelRegistry>();
  registry->add(std::make_shared<vader::SentimentModel>(vader::Model::builtin()));
  registry->add(std::make_shared<afinn::SentimentModel>(afinn::Model::builtin()));
  return registry;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The sum of smlapi_predictions_total samples with these label pairs, from a scrape.
double predictions(const std::string& scrape, std::string_view model, std::string_view label) {
  const std::string prefix = "smlapi_predictions_total{label=\"" + std::string(label) +
                             "\",model=\"" + std::string(model) + "\"} ";
  const auto at = scrape.find(prefix);
  if (at == std::string::npos) return -1;
  return std::stod(scrape.substr(at + prefix.size()));
}

class Pipeline : public ::testing::Test {
 protected:
  Pipeline() : service_(both_models(), logged_options()) {}
  static InProcessOptions logged_options() {
    InProcessOptions options;
    options.access_log = true;
    return options;
  }

  InProcessService service_;
  std::string alice_ = service_.token("alice", {"predict"});
  std::string bob_ = service_.token("bob", {"predict"});
  std::string admin_ = service_.token("root", {"admin"});

  bool logged(std::string_view event) {
    const auto lines = service_.log_lines();
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
      return contains(line, "\"event\":\"" + std::string(event) + "\"");
    });
  }
};

TEST_F(Pipeline, PredictScoresWithTheDefaultModel) {
  ASSERT_EQ(service_.handle(post_json("/predict", alice_, R"({"text":"It is a chair."})")), 200u);
  const std::string& body = service_.response().body;
  EXPECT_TRUE(contains(body, R"("user":"alice","label":"NEUTRAL","score":0.0,)")) << body;
  EXPECT_TRUE(contains(body, R"("scores":{"neg":0.0,"neu":1.0,"pos":0.0,"compound":0.0})")) << body;
  EXPECT_TRUE(contains(body, R"("model":"vader","model_version":"vader-3.3.2+)")) << body;
}

TEST_F(Pipeline, PredictTakesTheModelByName) {
  ASSERT_EQ(service_.handle(
                post_json("/predict", alice_, R"({"text":"I hate bad things","model":"afinn"})")),
            200u);
  const std::string& body = service_.response().body;
  EXPECT_TRUE(contains(body, R"("label":"NEGATIVE","score":-6,)")) << body;
  EXPECT_TRUE(contains(body, R"("scores":{"score":-6,"comparative":-1.5})")) << body;
  EXPECT_TRUE(contains(body, R"("model":"afinn","model_version":"afinn-165-)")) << body;
}

TEST_F(Pipeline, UnknownModelIsA404AndAMalformedOneA422) {
  EXPECT_EQ(service_.handle(post_json("/predict", alice_, R"({"text":"x","model":"gpt"})")), 404u);
  EXPECT_FALSE(contains(service_.response().body, "gpt")) << "never echoes the name";
  EXPECT_EQ(service_.handle(post_json("/predict", alice_, R"({"text":"x","model":7})")), 422u);
  EXPECT_EQ(service_.handle(post_json("/predict", alice_, R"({"text":"x","model":""})")), 422u);
  EXPECT_EQ(service_.handle(post_json("/predict/batch", alice_,
                                      R"({"texts":["x"],"model":"vader","model":"afinn"})")),
            422u);
}

TEST_F(Pipeline, BatchUsesTheNamedModelForEveryText) {
  ASSERT_EQ(service_.handle(post_json("/predict/batch", alice_,
                                      R"({"texts":["good","bad","table"],"model":"afinn"})")),
            200u);
  const std::string& body = service_.response().body;
  EXPECT_TRUE(contains(body, R"("model":"afinn",)")) << body;
  EXPECT_TRUE(contains(body, R"({"label":"POSITIVE","score":3,"scores":{"score":3,)")) << body;
  EXPECT_TRUE(contains(body, R"({"label":"NEGATIVE","score":-3,)")) << body;
  EXPECT_TRUE(contains(body, R"({"label":"NEUTRAL","score":0,)")) << body;
}

TEST_F(Pipeline, OneNumberFormatAcrossTheApis) {
  ASSERT_EQ(service_.handle(post_json("/predict", alice_, R"({"text":"It is a chair."})")), 200u);
  EXPECT_TRUE(contains(service_.response().body, R"("neg":0.0)"));
  ASSERT_EQ(
      service_.handle(post_json(
          "/v2/models/vader/infer", alice_,
          R"({"inputs":[{"name":"text","datatype":"BYTES","shape":[1],"data":["It is a chair."]}]})")),
      200u);
  const std::string& body = service_.response().body;
  EXPECT_TRUE(contains(body, R"({"name":"neg","datatype":"FP64","shape":[1],"data":[0.0]})"))
      << body;
  EXPECT_TRUE(contains(body, R"({"name":"neu","datatype":"FP64","shape":[1],"data":[1.0]})"))
      << body;
}

TEST_F(Pipeline, OipAnswersForEveryModelOfTheRegistry) {
  ASSERT_EQ(
      service_.handle(post_json(
          "/v2/models/afinn/infer", alice_,
          R"({"inputs":[{"name":"text","datatype":"BYTES","shape":[2],"data":["good","not good"]}],"outputs":[{"name":"score"}]})")),
      200u);
  EXPECT_TRUE(
      contains(service_.response().body,
               R"("outputs":[{"name":"score","datatype":"INT64","shape":[2],"data":[3,-3]}]})"))
      << service_.response().body;
  ASSERT_EQ(
      service_.handle(post_json(
          "/v2/models/afinn/infer", alice_,
          R"({"inputs":[{"name":"text","datatype":"BYTES","shape":[1],"data":["x"]}],"outputs":[{"name":"compound"}]})")),
      400u);
  EXPECT_TRUE(contains(service_.response().body, "the outputs are score, comparative"));
  ASSERT_EQ(service_.handle(get_request("/v2/models/afinn", alice_)), 200u);
  EXPECT_TRUE(contains(service_.response().body,
                       R"("outputs":[{"name":"score","datatype":"INT64","shape":[-1]},)"));
}

TEST_F(Pipeline, ModelIndexListsBothFamilies) {
  ASSERT_EQ(service_.handle(get_request("/v2/models", alice_)), 200u);
  const std::string& body = service_.response().body;
  EXPECT_TRUE(contains(body, R"({"models":[{"name":"vader","versions":["vader-3.3.2+)")) << body;
  EXPECT_TRUE(contains(body, R"({"name":"afinn","versions":["afinn-165-)")) << body;
  EXPECT_EQ(service_.handle(get_request("/v2/models")), 401u) << "needs a token like the rest";
}

TEST_F(Pipeline, OipPredictionsAreCountedWithTheirModel) {
  const std::string before = service_.scrape();
  EXPECT_EQ(predictions(before, "vader", "POSITIVE"), 0.0);
  EXPECT_EQ(predictions(before, "afinn", "NEGATIVE"), 0.0);
  ASSERT_EQ(
      service_.handle(post_json(
          "/v2/models/vader/infer", alice_,
          R"({"inputs":[{"name":"text","datatype":"BYTES","shape":[2],"data":["I love it","great"]}]})")),
      200u);
  ASSERT_EQ(service_.handle(post_json("/predict", alice_, R"({"text":"bad","model":"afinn"})")),
            200u);
  const std::string after = service_.scrape();
  EXPECT_EQ(predictions(after, "vader", "POSITIVE"), 2.0);
  EXPECT_EQ(predictions(after, "afinn", "NEGATIVE"), 1.0);
}

TEST_F(Pipeline, RevokeGoesThroughAdmissionAndIsAudited) {
  // No token: refused by the pipeline, like every protected route.
  EXPECT_EQ(service_.handle(post_form("/token/revoke", "", "token=x")), 401u);
  EXPECT_EQ(service_.handle(post_form("/token/revoke", "not-a-jwt", "token=x")), 401u);
  EXPECT_TRUE(logged("auth.rejected"));
  // Another user's token: 403, audited.
  EXPECT_EQ(service_.handle(post_form("/token/revoke", alice_, "token=" + bob_)), 403u);
  EXPECT_TRUE(logged("token.revoke_refused"));
  // One's own: revoked, audited, and refused from then on.
  EXPECT_EQ(service_.handle(post_form("/token/revoke", bob_, "token=" + bob_)), 200u);
  EXPECT_TRUE(logged("token.revoked"));
  EXPECT_EQ(service_.handle(post_json("/predict", bob_, R"({"text":"x"})")), 401u);
  // An admin may revoke anyone's.
  EXPECT_EQ(service_.handle(post_form("/token/revoke", admin_, "token=" + alice_)), 200u);
  EXPECT_EQ(service_.handle(post_json("/predict", alice_, R"({"text":"x"})")), 401u);
}

TEST_F(Pipeline, RouteTableDrivesMethodsAndScopes) {
  EXPECT_EQ(service_.handle(get_request("/predict", alice_)), 405u);
  const auto& headers = service_.response().headers();
  EXPECT_TRUE(std::any_of(headers.begin(), headers.end(), [](const http::Header& header) {
    return header.name == "Allow" && header.value == "POST";
  }));
  EXPECT_EQ(service_.handle(post_json("/predict", admin_, R"({"text":"x"})")), 403u)
      << "scope admin is not predict";
  EXPECT_EQ(service_.handle(get_request("/healthz")), 200u) << "public";
  EXPECT_EQ(service_.handle(get_request("/nowhere")), 404u);
}

}  // namespace
}  // namespace smlapi::api::testing
