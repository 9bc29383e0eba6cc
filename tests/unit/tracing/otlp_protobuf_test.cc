// The OTLP/protobuf encoder, checked by decoding its output with the message classes protoc
// generates from opentelemetry-proto (tests/otlp-proto): field numbers, wire types, lengths and
// nesting are the real protocol's, not the encoder's idea of it.
#include "tracing/otlp_protobuf.h"

#include "tracing/request_trace.h"

#include <gtest/gtest.h>
#include <opentelemetry/proto/collector/trace/v1/trace_service.pb.h>

#include <string>
#include <string_view>
#include <vector>

namespace smlapi::tracing {
namespace {

namespace otlp = opentelemetry::proto;
using otlp::collector::trace::v1::ExportTraceServiceRequest;

std::string bytes_of(const auto& id) {
  return std::string(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size());
}

ExportTraceServiceRequest decode(std::string_view body) {
  ExportTraceServiceRequest request;
  EXPECT_TRUE(request.ParseFromArray(body.data(), static_cast<int>(body.size())));
  return request;
}

TEST(OtlpProtobuf, EncodesABatchAsTheProtocolsMessages) {
  IdGenerator ids({1, 2, 3, 4});
  RequestTrace trace;
  begin_request_trace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "rojo=1",
                      TracerConfig{1.0, true}, ids, 1'700'000'000'000'000'001ull, trace);
  SpanRecord spans[2];
  trace.server_span(spans[0], 1'700'000'000'000'000'009ull);
  spans[0].set_name("POST", "/predict");
  spans[0].add("http.request.method", "POST");
  spans[0].add("http.response.status_code", std::int64_t{200});
  spans[0].add("url.path", "/predict");
  spans[0].add("offset", std::int64_t{-5});  // a negative int64: a ten-byte varint
  SpanRecord* child =
      trace.start_child("admission", SpanKind::internal, 1'700'000'000'000'000'002ull);
  ASSERT_NE(child, nullptr);
  child->end_unix_nanos = 1'700'000'000'000'000'003ull;
  child->status = SpanStatus::error;
  spans[1] = *child;

  std::string buffer;
  const ExportTraceServiceRequest request =
      decode(encode_otlp_protobuf(Resource{"svc", "1.2.3"}, spans, buffer));

  ASSERT_EQ(request.resource_spans_size(), 1);
  const auto& resource_spans = request.resource_spans(0);
  const auto& attributes = resource_spans.resource().attributes();
  ASSERT_EQ(attributes.size(), 2);
  EXPECT_EQ(attributes[0].key(), "service.name");
  EXPECT_EQ(attributes[0].value().string_value(), "svc");
  EXPECT_EQ(attributes[1].key(), "service.version");
  EXPECT_EQ(attributes[1].value().string_value(), "1.2.3");
  ASSERT_EQ(resource_spans.scope_spans_size(), 1);
  const auto& scope_spans = resource_spans.scope_spans(0);
  EXPECT_EQ(scope_spans.scope().name(), kInstrumentationScope);
  EXPECT_EQ(scope_spans.scope().version(), "1.2.3");
  ASSERT_EQ(scope_spans.spans_size(), 2);

  const otlp::trace::v1::Span& server = scope_spans.spans(0);
  EXPECT_EQ(server.trace_id(), bytes_of(trace.trace_id));
  EXPECT_EQ(server.span_id(), bytes_of(trace.span_id));
  EXPECT_EQ(server.parent_span_id(), bytes_of(trace.parent_id));
  EXPECT_EQ(server.trace_state(), "rojo=1");
  EXPECT_EQ(server.name(), "POST /predict");
  EXPECT_EQ(server.kind(), otlp::trace::v1::Span::SPAN_KIND_SERVER);
  EXPECT_EQ(server.start_time_unix_nano(), 1'700'000'000'000'000'001ull);
  EXPECT_EQ(server.end_time_unix_nano(), 1'700'000'000'000'000'009ull);
  ASSERT_EQ(server.attributes_size(), 4);
  EXPECT_EQ(server.attributes(0).key(), "http.request.method");
  EXPECT_EQ(server.attributes(0).value().string_value(), "POST");
  EXPECT_EQ(server.attributes(1).key(), "http.response.status_code");
  EXPECT_EQ(server.attributes(1).value().int_value(), 200);
  EXPECT_EQ(server.attributes(2).value().string_value(), "/predict");
  EXPECT_EQ(server.attributes(3).value().int_value(), -5);
  EXPECT_FALSE(server.has_status()) << "status unset: not written";

  const otlp::trace::v1::Span& admission = scope_spans.spans(1);
  EXPECT_EQ(admission.trace_id(), bytes_of(trace.trace_id));
  EXPECT_EQ(admission.parent_span_id(), bytes_of(trace.span_id));
  EXPECT_EQ(admission.trace_state(), "");
  EXPECT_EQ(admission.name(), "admission");
  EXPECT_EQ(admission.kind(), otlp::trace::v1::Span::SPAN_KIND_INTERNAL);
  EXPECT_EQ(admission.end_time_unix_nano(), 1'700'000'000'000'000'003ull);
  EXPECT_EQ(admission.status().code(), otlp::trace::v1::Status::STATUS_CODE_ERROR);
}

TEST(OtlpProtobuf, ARootSpanHasNoParent) {
  IdGenerator ids({1, 2, 3, 4});
  RequestTrace trace;
  begin_request_trace("", "", TracerConfig{1.0, true}, ids, 1, trace);
  SpanRecord span;
  trace.server_span(span, 2);
  span.set_name("GET /healthz");
  std::string buffer;
  const ExportTraceServiceRequest request = decode(
      encode_otlp_protobuf(Resource{"svc", "1"}, std::span<const SpanRecord>(&span, 1), buffer));
  const auto& out = request.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_TRUE(out.parent_span_id().empty());
  EXPECT_EQ(out.trace_id().size(), 16u);
  EXPECT_EQ(out.span_id().size(), 8u);
  EXPECT_EQ(out.start_time_unix_nano(), 1u);
  EXPECT_EQ(out.end_time_unix_nano(), 2u);
}

TEST(OtlpProtobuf, IllFormedAndCutTextStaysValidUtf8) {
  SpanRecord span;
  span.set_name("GET", "/caf\xc3\xa9\xff");
  span.add("url.path", std::string(kMaxAttributeText - 1, 'p') + "\xe2\x82\xac");  // cut inside
  span.add("user_agent.original", "\xc0\xaf");
  std::string buffer;
  // Parsing checks every string field is UTF-8 (proto3): it fails on a byte copied as it came.
  const ExportTraceServiceRequest request = decode(encode_otlp_protobuf(
      Resource{"svc\xfe", "1"}, std::span<const SpanRecord>(&span, 1), buffer));
  const auto& out = request.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(out.name(), "GET /caf\xc3\xa9\xef\xbf\xbd");
  EXPECT_EQ(out.attributes(0).value().string_value(), std::string(kMaxAttributeText - 1, 'p'));
  EXPECT_EQ(out.attributes(1).value().string_value(), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(request.resource_spans(0).resource().attributes(0).value().string_value(),
            "svc\xef\xbf\xbd");
}

TEST(OtlpProtobuf, ALargeBatchKeepsEverySpanAndLength) {
  // Enough spans that the body grows past its first chunk and the envelope's lengths need
  // three-byte varints.
  std::vector<SpanRecord> spans(2000);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    spans[i].set_name("span " + std::to_string(i));
    spans[i].add("index", static_cast<std::int64_t>(i));
    spans[i].add("text", std::string(i % kMaxAttributeText, 'x'));
    spans[i].start_unix_nanos = i;
    spans[i].end_unix_nanos = i + 1;
  }
  std::string buffer = "left over from the last batch";
  const ExportTraceServiceRequest request =
      decode(encode_otlp_protobuf(Resource{"svc", "1"}, spans, buffer));
  const auto& out = request.resource_spans(0).scope_spans(0);
  ASSERT_EQ(out.spans_size(), 2000);
  for (int i = 0; i < out.spans_size(); ++i) {
    ASSERT_EQ(out.spans(i).name(), "span " + std::to_string(i));
    ASSERT_EQ(out.spans(i).attributes(0).value().int_value(), i);
    ASSERT_EQ(out.spans(i).attributes(1).value().string_value().size(),
              static_cast<std::size_t>(i) % kMaxAttributeText);
    ASSERT_EQ(out.spans(i).end_time_unix_nano(), static_cast<std::uint64_t>(i) + 1);
  }
}

TEST(OtlpProtobuf, AReusedBufferGivesEachBatchItsOwnBody) {
  std::vector<SpanRecord> many(500);
  for (auto& span : many) span.set_name("first batch");
  SpanRecord one;
  one.set_name("second batch");
  std::string buffer;
  decode(encode_otlp_protobuf(Resource{"svc", "1"}, many, buffer));
  const ExportTraceServiceRequest request = decode(
      encode_otlp_protobuf(Resource{"svc", "1"}, std::span<const SpanRecord>(&one, 1), buffer));
  const auto& out = request.resource_spans(0).scope_spans(0);
  ASSERT_EQ(out.spans_size(), 1);
  EXPECT_EQ(out.spans(0).name(), "second batch");
}

TEST(OtlpProtobuf, AnEmptyBatchIsAValidRequest) {
  std::string buffer;
  const ExportTraceServiceRequest request =
      decode(encode_otlp_protobuf(Resource{"svc", "1"}, {}, buffer));
  ASSERT_EQ(request.resource_spans_size(), 1);
  EXPECT_EQ(request.resource_spans(0).scope_spans(0).spans_size(), 0);
}

}  // namespace
}  // namespace smlapi::tracing
