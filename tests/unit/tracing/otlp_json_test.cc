#include "tracing/otlp_json.h"

#include "tracing/request_trace.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace smlapi::tracing {
namespace {

TEST(OtlpJson, EncodesABatchAsTheProtocolsJsonMapping) {
  IdGenerator ids({1, 2, 3, 4});
  RequestTrace trace;
  begin_request_trace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "rojo=1",
                      TracerConfig{1.0, true}, ids, 1'700'000'000'000'000'001ull, trace);
  SpanRecord spans[2];
  trace.server_span(spans[0], 1'700'000'000'000'000'009ull);
  spans[0].set_name("POST", "/predict");
  spans[0].add("http.request.method", "POST");
  spans[0].add("http.response.status_code", std::int64_t{200});
  spans[0].add("url.path", "/predict\"\n");  // escaped
  spans[0].status = SpanStatus::unset;
  SpanRecord* child =
      trace.start_child("admission", SpanKind::internal, 1'700'000'000'000'000'002ull);
  ASSERT_NE(child, nullptr);
  child->status = SpanStatus::error;
  spans[1] = *child;

  std::string body;
  encode_otlp_json(Resource{"svc", "1.2.3"}, spans, body);
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
  EXPECT_EQ(std::string_view(server["attributes"].at(1)["value"]["intValue"]), "200");
  EXPECT_EQ(std::string_view(server["attributes"].at(2)["value"]["stringValue"]), "/predict\"\n");
  simdjson::dom::element admission = out.at(1);
  EXPECT_EQ(std::string_view(admission["parentSpanId"]), to_hex(trace.span_id));
  EXPECT_EQ(int64_t(admission["kind"]), 1);
  EXPECT_EQ(int64_t(admission["status"]["code"]), 2);
}

TEST(OtlpJson, ARootSpanHasNoParent) {
  IdGenerator ids({1, 2, 3, 4});
  RequestTrace trace;
  begin_request_trace("", "", TracerConfig{1.0, true}, ids, 1, trace);
  SpanRecord span;
  trace.server_span(span, 2);
  std::string body;
  encode_otlp_json(Resource{"svc", "1"}, std::span<const SpanRecord>(&span, 1), body);
  EXPECT_EQ(body.find("parentSpanId"), std::string::npos);
  EXPECT_EQ(body.find("traceState"), std::string::npos);
  EXPECT_NE(body.find(R"("startTimeUnixNano":"1","endTimeUnixNano":"2")"), std::string::npos);
}

TEST(OtlpJson, TimesAcrossSecondsKeepEveryDigit) {
  SpanRecord spans[3];
  const std::uint64_t times[] = {1'700'000'000'000'000'000ull,
                                 1'700'000'000'999'999'999ull,
                                 1'700'000'001'000'000'007ull,
                                 1'700'000'001'120'000'000ull,
                                 999'999'999ull,
                                 10'000'000'000'000'000'000ull};
  for (int i = 0; i < 3; ++i) {
    spans[i].set_name("s");
    spans[i].start_unix_nanos = times[2 * i];
    spans[i].end_unix_nanos = times[2 * i + 1];
  }
  std::string body;
  encode_otlp_json(Resource{"svc", "1"}, spans, body);
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
