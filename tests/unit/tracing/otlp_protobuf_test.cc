// The OTLP/protobuf encoder, checked by decoding its output with the message classes protoc
// generates from opentelemetry-proto (tests/otlp-proto): field numbers, wire types, lengths and
// nesting are the real protocol's, not the encoder's idea of it.
#include "tracing/otlp_protobuf.h"

#include "tracing/request_spans.h"
#include "tracing/request_trace.h"

#include <gtest/gtest.h>
#include <opentelemetry/proto/collector/trace/v1/trace_service.pb.h>

#include <string>
#include <string_view>
#include <vector>

namespace smlapi::tracing {
namespace {

constexpr AttributeKey kOffset{"offset"};
constexpr AttributeKey kText{"text"};

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

// A recorded trace as the queue holds it (the tracestate referred to where the trace keeps it).
RequestSpans queued(const RequestTrace& trace, const ServerSpanFacts& facts, std::int64_t end) {
  RequestSpans request;
  request.fill(trace, facts, end);
  request.trace_state = trace.trace_state_view();
  return request;
}

// Steady times 1..9 on a clock whose anchor puts 0 at 1'700'000'000'000'000'000 Unix ns.
constexpr std::int64_t kEpoch = 1'700'000'000'000'000'000;

TEST(OtlpProtobuf, EncodesARequestsSpansAsTheProtocolsMessages) {
  IdGenerator ids({1, 2, 3, 4});
  RequestTrace trace;
  begin_request_trace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "rojo=1",
                      TracerConfig{1.0, true}, ids, trace);
  trace.start_nanos = 1;
  trace.unix_offset_nanos = kEpoch;
  SpanRecord* admission = trace.start_child(names::kAdmission, 2);
  ASSERT_NE(admission, nullptr);
  admission->end_nanos = 3;
  admission->status = SpanStatus::error;
  SpanRecord* scoring = trace.start_child(names::kModelScore, 4);
  ASSERT_NE(scoring, nullptr);
  scoring->end_nanos = 5;
  scoring->add(names::kModel, "vader");
  scoring->add(kOffset, std::int64_t{-5});  // a negative int64: a ten-byte varint
  const RequestSpans request = queued(trace, {"POST", "/predict", "/predict", "127.0.0.1", 200}, 9);

  std::string buffer;
  const ExportTraceServiceRequest decoded =
      decode(encode_otlp_protobuf(Resource{"svc", "1.2.3"}, {&request, 1}, buffer));

  ASSERT_EQ(decoded.resource_spans_size(), 1);
  const auto& resource_spans = decoded.resource_spans(0);
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
  ASSERT_EQ(scope_spans.spans_size(), 3);

  const otlp::trace::v1::Span& server = scope_spans.spans(0);
  EXPECT_EQ(server.trace_id(), bytes_of(trace.trace_id));
  EXPECT_EQ(server.span_id(), bytes_of(trace.span_id));
  EXPECT_EQ(server.parent_span_id(), bytes_of(trace.parent_id));
  EXPECT_EQ(server.trace_state(), "rojo=1");
  EXPECT_EQ(server.name(), "POST /predict");
  EXPECT_EQ(server.kind(), otlp::trace::v1::Span::SPAN_KIND_SERVER);
  EXPECT_EQ(server.start_time_unix_nano(), kEpoch + 1);
  EXPECT_EQ(server.end_time_unix_nano(), kEpoch + 9);
  ASSERT_EQ(server.attributes_size(), 5);
  EXPECT_EQ(server.attributes(0).key(), "http.request.method");
  EXPECT_EQ(server.attributes(0).value().string_value(), "POST");
  EXPECT_EQ(server.attributes(1).key(), "http.route");
  EXPECT_EQ(server.attributes(1).value().string_value(), "/predict");
  EXPECT_EQ(server.attributes(2).key(), "url.path");
  EXPECT_EQ(server.attributes(2).value().string_value(), "/predict");
  EXPECT_EQ(server.attributes(3).key(), "http.response.status_code");
  EXPECT_EQ(server.attributes(3).value().int_value(), 200);
  EXPECT_EQ(server.attributes(4).key(), "client.address");
  EXPECT_EQ(server.attributes(4).value().string_value(), "127.0.0.1");
  EXPECT_FALSE(server.has_status()) << "a 200: status unset, not written";

  const otlp::trace::v1::Span& first = scope_spans.spans(1);
  EXPECT_EQ(first.trace_id(), bytes_of(trace.trace_id));
  EXPECT_EQ(first.span_id(), bytes_of(child_span_id(trace.span_id, 0)));
  EXPECT_EQ(first.parent_span_id(), bytes_of(trace.span_id));
  EXPECT_EQ(first.trace_state(), "");
  EXPECT_EQ(first.name(), "admission");
  EXPECT_EQ(first.kind(), otlp::trace::v1::Span::SPAN_KIND_INTERNAL);
  EXPECT_EQ(first.start_time_unix_nano(), kEpoch + 2);
  EXPECT_EQ(first.end_time_unix_nano(), kEpoch + 3);
  EXPECT_EQ(first.status().code(), otlp::trace::v1::Status::STATUS_CODE_ERROR);
  EXPECT_EQ(first.attributes_size(), 0);

  const otlp::trace::v1::Span& second = scope_spans.spans(2);
  EXPECT_EQ(second.span_id(), bytes_of(child_span_id(trace.span_id, 1)));
  EXPECT_NE(second.span_id(), first.span_id());
  EXPECT_EQ(second.name(), "model.score");
  ASSERT_EQ(second.attributes_size(), 2);
  EXPECT_EQ(second.attributes(0).key(), "smlapi.model");
  EXPECT_EQ(second.attributes(0).value().string_value(), "vader");
  EXPECT_EQ(second.attributes(1).value().int_value(), -5);
}

TEST(OtlpProtobuf, AServerErrorIsTheSpansErrorAndAnUnroutedRequestIsNamedByItsMethod) {
  IdGenerator ids({1, 2, 3, 4});
  RequestTrace trace;
  begin_request_trace("", "", TracerConfig{1.0, true}, ids, trace);
  const RequestSpans failed = queued(trace, {"POST", "/predict", "/predict", "::1", 503}, 2);
  const RequestSpans unrouted = queued(trace, {"GET", "", "/nowhere", "::1", 404}, 2);
  std::string buffer;
  const ExportTraceServiceRequest decoded = decode(encode_otlp_protobuf(
      Resource{"svc", "1"}, std::vector<RequestSpans>{failed, unrouted}, buffer));
  const auto& spans = decoded.resource_spans(0).scope_spans(0).spans();
  ASSERT_EQ(spans.size(), 2);
  EXPECT_EQ(spans[0].status().code(), otlp::trace::v1::Status::STATUS_CODE_ERROR);
  EXPECT_EQ(spans[1].name(), "GET");
  EXPECT_FALSE(spans[1].has_status()) << "a 4xx is the client's error";
  ASSERT_EQ(spans[1].attributes_size(), 4) << "no http.route";
  EXPECT_EQ(spans[1].attributes(1).key(), "url.path");
}

TEST(OtlpProtobuf, ARootSpanHasNoParent) {
  IdGenerator ids({1, 2, 3, 4});
  RequestTrace trace;
  begin_request_trace("", "", TracerConfig{1.0, true}, ids, trace);
  trace.start_nanos = 1;
  const RequestSpans request = queued(trace, {"GET", "/healthz", "/healthz", "::1", 200}, 2);
  std::string buffer;
  const ExportTraceServiceRequest decoded =
      decode(encode_otlp_protobuf(Resource{"svc", "1"}, {&request, 1}, buffer));
  const auto& out = decoded.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_TRUE(out.parent_span_id().empty());
  EXPECT_EQ(out.trace_id().size(), 16u);
  EXPECT_EQ(out.span_id().size(), 8u);
  EXPECT_EQ(out.start_time_unix_nano(), 1u);
  EXPECT_EQ(out.end_time_unix_nano(), 2u);
}

TEST(OtlpProtobuf, IllFormedAndCutTextIsWrittenAsValidUtf8) {
  IdGenerator ids({1, 2, 3, 4});
  RequestTrace trace;
  begin_request_trace("", "", TracerConfig{1.0, true}, ids, trace);
  SpanRecord* child = trace.start_child(names::kModelScore, 0);
  ASSERT_NE(child, nullptr);
  child->add(names::kModel, "\xc0\xaf");
  const std::string long_path = std::string(kMaxPathBytes - 1, 'p') + "\xe2\x82\xac";  // cut inside
  const RequestSpans cut = queued(trace, {"GET", "", long_path, "caf\xc3\xa9\xff", 200}, 0);
  std::string buffer;
  // Parsing checks every string field is UTF-8 (proto3): it fails on a byte copied as it came.
  const ExportTraceServiceRequest decoded =
      decode(encode_otlp_protobuf(Resource{"svc\xfe", "1"}, {&cut, 1}, buffer));
  const auto& spans = decoded.resource_spans(0).scope_spans(0).spans();
  ASSERT_EQ(spans.size(), 2);
  EXPECT_EQ(spans[0].attributes(1).value().string_value(), std::string(kMaxPathBytes - 1, 'p'));
  EXPECT_EQ(spans[0].attributes(3).value().string_value(), "caf\xc3\xa9\xef\xbf\xbd");
  EXPECT_EQ(spans[1].attributes(0).value().string_value(), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(decoded.resource_spans(0).resource().attributes(0).value().string_value(),
            "svc\xef\xbf\xbd");
}

TEST(OtlpProtobuf, ALargeBatchKeepsEverySpanAndLength) {
  // Enough requests that the body grows past its first chunk and the envelope's lengths need
  // three-byte varints; paths of every length up to the bound (one- and two-byte lengths).
  IdGenerator ids({1, 2, 3, 4});
  std::vector<std::string> paths;
  std::vector<RequestSpans> requests(2000);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    RequestTrace trace;
    begin_request_trace("", "", TracerConfig{1.0, true}, ids, trace);
    trace.start_nanos = static_cast<std::int64_t>(i);
    SpanRecord* child = trace.start_child(names::kModelScore, 0);
    child->add(names::kTexts, static_cast<std::int64_t>(i));
    child->add(kText, std::string(i % kSpanTextBytes, 'x'));
    const std::string path = "/" + std::string(i % kMaxPathBytes, 'q');
    requests[i] = queued(trace, {"POST", "/predict", path, "10.0.0.1", 200},
                         static_cast<std::int64_t>(i) + 1);
  }
  std::string buffer = "left over from the last batch";
  const ExportTraceServiceRequest decoded =
      decode(encode_otlp_protobuf(Resource{"svc", "1"}, requests, buffer));
  const auto& out = decoded.resource_spans(0).scope_spans(0);
  ASSERT_EQ(out.spans_size(), 4000);
  for (int i = 0; i < 2000; ++i) {
    const auto& server = out.spans(2 * i);
    const auto& child = out.spans(2 * i + 1);
    ASSERT_EQ(server.attributes(2).value().string_value().size(),
              std::min(1 + static_cast<std::size_t>(i) % kMaxPathBytes, kMaxPathBytes));
    ASSERT_EQ(server.end_time_unix_nano(), static_cast<std::uint64_t>(i) + 1);
    ASSERT_EQ(child.attributes(0).value().int_value(), i);
    ASSERT_EQ(child.attributes(1).value().string_value().size(),
              static_cast<std::size_t>(i) % kSpanTextBytes);
  }
}

TEST(OtlpProtobuf, AReusedBufferGivesEachBatchItsOwnBody) {
  IdGenerator ids({1, 2, 3, 4});
  RequestTrace trace;
  begin_request_trace("", "", TracerConfig{1.0, true}, ids, trace);
  std::vector<RequestSpans> many(500, queued(trace, {"GET", "/first", "/", "::1", 200}, 0));
  const RequestSpans one = queued(trace, {"GET", "/second", "/", "::1", 200}, 0);
  std::string buffer;
  decode(encode_otlp_protobuf(Resource{"svc", "1"}, many, buffer));
  const ExportTraceServiceRequest decoded =
      decode(encode_otlp_protobuf(Resource{"svc", "1"}, {&one, 1}, buffer));
  const auto& out = decoded.resource_spans(0).scope_spans(0);
  ASSERT_EQ(out.spans_size(), 1);
  EXPECT_EQ(out.spans(0).name(), "GET /second");
}

TEST(OtlpProtobuf, AnEmptyBatchIsAValidRequest) {
  std::string buffer;
  const ExportTraceServiceRequest decoded =
      decode(encode_otlp_protobuf(Resource{"svc", "1"}, {}, buffer));
  ASSERT_EQ(decoded.resource_spans_size(), 1);
  EXPECT_EQ(decoded.resource_spans(0).scope_spans(0).spans_size(), 0);
}

}  // namespace
}  // namespace smlapi::tracing
