// A batch of recorded requests as an OTLP/protobuf ExportTraceServiceRequest (the OpenTelemetry
// Protocol's binary encoding for POST /v1/traces, Content-Type application/x-protobuf; the
// message definitions are opentelemetry-proto's collector/trace/v1, trace/v1, common/v1,
// resource/v1): one resource (service.name, service.version), one instrumentation scope, and
// each request's server span followed by its children.
//
// Written by hand from the records rather than through generated message classes: building a
// message tree per span (allocations, copies, then a serialisation pass) would cost more than
// everything else tracing does per request, while the wire format of these few fields is small
// and fixed. libprotobuf still does the wire primitives (varints, fixed64) through
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
#include "tracing/request_spans.h"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace smlapi::tracing {

// One request body being written into `out` (a scratch buffer: whatever it held is overwritten,
// and it only grows). The records' copied strings are checked and repaired to well-formed UTF-8
// (protobuf's string fields) as they are written.
class OtlpProtobufBatch {
 public:
  // Writers may store up to this many bytes past what they write (fixed-size copies of shorter
  // prefixes): room_for() keeps that room beyond every span.
  static constexpr std::size_t kWriteSlack = 32;
  OtlpProtobufBatch(const Resource& resource, std::string& out);
  void add(const RequestSpans& request);  // its server span, then its children
  // Writes the envelope and returns the body: a part of `out`, valid until `out` changes.
  // Nothing may be added afterwards.
  std::string_view finish();
  std::size_t spans() const { return spans_; }

 private:
  // Where the next `bytes` go (grows out_).
  unsigned char* room_for(std::size_t bytes) {
    if (used_ + bytes + kWriteSlack > out_.size()) grow(bytes + kWriteSlack);
    return reinterpret_cast<unsigned char*>(out_.data() + used_);
  }
  void grow(std::size_t bytes);
  void add_server_span(const RequestSpans& request);
  void add_child_span(const RequestSpans& request, std::size_t index);

  std::string& out_;
  std::string envelope_;  // the encoded resource and scope fields (ResourceSpans 1, ScopeSpans 1)
  std::size_t resource_field_ = 0;  // bytes of envelope_ that are the resource's field
  std::size_t room_ = 0;            // bytes kept in front of the spans for the envelope
  std::size_t used_ = 0;            // end of the last span written (out_ is grown ahead)
  std::size_t spans_ = 0;
};

// The request body for `requests`, written into the scratch buffer `out`.
std::string_view encode_otlp_protobuf(const Resource& resource,
                                      std::span<const RequestSpans> requests, std::string& out);

}  // namespace smlapi::tracing
