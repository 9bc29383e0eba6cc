// A batch of spans as an OTLP/protobuf ExportTraceServiceRequest (the OpenTelemetry Protocol's
// binary encoding for POST /v1/traces, Content-Type application/x-protobuf; the message
// definitions are opentelemetry-proto's collector/trace/v1, trace/v1, common/v1, resource/v1):
// one resource (service.name, service.version), one instrumentation scope, the spans.
//
// Written by hand from the span records rather than through generated message classes: building
// a message tree per span (allocations, copies, then a serialisation pass) would cost more than
// everything else tracing does per request, while the wire format of these few fields is small
// and fixed. libprotobuf still does the wire primitives (varints, tags, fixed64) through
// CodedOutputStream's array writers, and the tests decode the output with the real protobuf
// libraries (tests/otlp-proto).
//
// Each span's size is computed from its record before it is written (so its length prefix is
// exact); the envelope's lengths, known only at the end, are written in front of the spans by
// finish(), in room kept for them at the start of the buffer. The buffer is never cleared,
// shrunk or moved: the body is the part of it finish() returns, so a batch costs no zero-filling
// and no copy beyond writing the spans once.
#pragma once

#include "tracing/otlp_resource.h"
#include "tracing/span.h"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace smlapi::tracing {

// One request body being written into `out` (a scratch buffer: whatever it held is overwritten,
// and it only grows). The record's strings must be well-formed UTF-8 (protobuf's string fields),
// as SpanRecord stores them.
class OtlpProtobufBatch {
 public:
  OtlpProtobufBatch(const Resource& resource, std::string& out);
  void add(const SpanRecord& span);
  // Writes the envelope and returns the body: a part of `out`, valid until `out` changes.
  // Nothing may be added afterwards.
  std::string_view finish();
  std::size_t spans() const { return spans_; }

 private:
  std::string& out_;
  std::string envelope_;  // the encoded resource and scope fields (ResourceSpans 1, ScopeSpans 1)
  std::size_t resource_field_ = 0;  // bytes of envelope_ that are the resource's field
  std::size_t room_ = 0;            // bytes kept in front of the spans for the envelope
  std::size_t used_ = 0;            // end of the last span written (out_ is grown ahead)
  std::size_t spans_ = 0;
};

// The request body for `spans`, written into the scratch buffer `out`.
std::string_view encode_otlp_protobuf(const Resource& resource, std::span<const SpanRecord> spans,
                                      std::string& out);

}  // namespace smlapi::tracing
