#include "tracing/otlp_json.h"

#include "tracing/request_spans.h"
#include "tracing/request_trace.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <vector>

namespace smlapi::tracing {
namespace {

constexpr AttributeKey kNote{"note"};

RequestSpans queued(const RequestTrace& trace, const ServerSpanFacts& facts, std::int64_t end) {
  RequestSpans request;
  request.fill(trace, facts, end);
  request.trace_state = trace.trace_state_view();
  return request;
}

TEST(OtlpJson, EncodesARequestsSpansAsTheProtocolsJsonMapping) {
  IdGenerator ids({1, 2, 3, 4});
  RequestTrace trace;
  begin_request_trace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "rojo=1",
                      TracerConfig{1.0, true}, ids, trace);
  trace.start_nanos = 1;
  trace.unix_offset_nanos = 1'700'000'000'000'000'000;
  SpanRecord* child = trace.start_child(names::kAdmission, 2);
  ASSERT_NE(child, nullptr);
  child->status = SpanStatus::error;
  child->add(kNote, "\"quoted\"");
  const RequestSpans request =
      queued(trace, {"POST", "/predict", "/predict\"\n", "127.0.0.1", 200}, 9);  // escaped

  std::string body;
  encode_otlp_json(Resource{"svc", "1.2.3"}, {&request, 1}, body);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(body);
  simdjson::dom::element resource = doc["resourceSpans"].at(0);
  EXPECT_EQ(std::string_view(resource["resource"]["attributes"].at(0)["key"]), "service.name");
  EXPECT_EQ(std::string_view(resource["resource"]["attributes"].at(0)["value"]["stringValue"]),
            "svc");
  simdjson::dom::array out = resource["scopeSpans"].at(0)["spans"];
  ASSERT_EQ(out.size(), 2u);
  simdjson::dom::element server = out.at(0);
  EXPECT_EQ(std::string_view(server["traceId"]), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(std::string_view(server["parentSpanId"]), "00f067aa0ba902b7");
  EXPECT_EQ(std::string_view(server["spanId"]), to_hex(trace.span_id));
  EXPECT_EQ(std::string_view(server["traceState"]), "rojo=1");
  EXPECT_EQ(std::string_view(server["name"]), "POST /predict");
  EXPECT_EQ(int64_t(server["kind"]), 2);
  EXPECT_EQ(std::string_view(server["startTimeUnixNano"]), "1700000000000000001");
  EXPECT_EQ(std::string_view(server["endTimeUnixNano"]), "1700000000000000009");
  EXPECT_EQ(std::string_view(server["attributes"].at(0)["value"]["stringValue"]), "POST");
  EXPECT_EQ(std::string_view(server["attributes"].at(1)["value"]["stringValue"]), "/predict");
  EXPECT_EQ(std::string_view(server["attributes"].at(2)["value"]["stringValue"]), "/predict\"\n");
  EXPECT_EQ(std::string_view(server["attributes"].at(3)["value"]["intValue"]), "200");
  EXPECT_EQ(std::string_view(server["attributes"].at(4)["value"]["stringValue"]), "127.0.0.1");
  simdjson::dom::element admission = out.at(1);
  EXPECT_EQ(std::string_view(admission["spanId"]), to_hex(child_span_id(trace.span_id, 0)));
  EXPECT_EQ(std::string_view(admission["parentSpanId"]), to_hex(trace.span_id));
  EXPECT_EQ(std::string_view(admission["name"]), "admission");
  EXPECT_EQ(int64_t(admission["kind"]), 1);
  EXPECT_EQ(int64_t(admission["status"]["code"]), 2);
  EXPECT_EQ(std::string_view(admission["attributes"].at(0)["value"]["stringValue"]), "\"quoted\"");
}

TEST(OtlpJson, ARootSpanHasNoParent) {
  IdGenerator ids({1, 2, 3, 4});
  RequestTrace trace;
  begin_request_trace("", "", TracerConfig{1.0, true}, ids, trace);
  trace.start_nanos = 1;
  const RequestSpans request = queued(trace, {"GET", "/healthz", "/healthz", "::1", 200}, 2);
  std::string body;
  encode_otlp_json(Resource{"svc", "1"}, {&request, 1}, body);
  EXPECT_EQ(body.find("parentSpanId"), std::string::npos);
  EXPECT_EQ(body.find("traceState"), std::string::npos);
  EXPECT_NE(body.find(R"("startTimeUnixNano":"1","endTimeUnixNano":"2")"), std::string::npos);
}

TEST(OtlpJson, TimesAcrossSecondsKeepEveryDigit) {
  const std::int64_t times[] = {1'700'000'000'000'000'000,
                                1'700'000'000'999'999'999,
                                1'700'000'001'000'000'007,
                                1'700'000'001'120'000'000,
                                999'999'999,
                                9'000'000'000'000'000'000};
  IdGenerator ids({1, 2, 3, 4});
  std::vector<RequestSpans> requests;
  for (int i = 0; i < 3; ++i) {
    RequestTrace trace;
    begin_request_trace("", "", TracerConfig{1.0, true}, ids, trace);
    trace.start_nanos = times[2 * i];
    requests.push_back(queued(trace, {"GET", "", "/", "::1", 200}, times[2 * i + 1]));
  }
  std::string body;
  encode_otlp_json(Resource{"svc", "1"}, requests, body);
  simdjson::dom::parser parser;
  simdjson::dom::array out = parser.parse(body)["resourceSpans"].at(0)["scopeSpans"].at(0)["spans"];
  ASSERT_EQ(out.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(std::string_view(out.at(i)["startTimeUnixNano"]), std::to_string(times[2 * i]));
    EXPECT_EQ(std::string_view(out.at(i)["endTimeUnixNano"]), std::to_string(times[2 * i + 1]));
  }
}

}  // namespace
}  // namespace smlapi::tracing
