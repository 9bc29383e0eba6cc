#include "http/request_parser.h"

#include <algorithm>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

namespace smlapi::http {

namespace bhttp = boost::beast::http;

RequestParser::RequestParser(Request& request, const ServerLimits& limits,
                             std::span<const std::string_view> kept_fields)
    : request_(request),
      limits_(limits),
      kept_fields_(kept_fields.first(std::min(kept_fields.size(), kMaxKeptFields))) {
  header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  body_limit(limits.max_body_bytes);
  eager(true);
}

void RequestParser::on_request_impl(bhttp::verb method, string_view method_str, string_view target,
                                    int version, error_code& ec) {
  if (target.size() > limits_.max_target_bytes) {
    refusal_ = ParseRefusal::target_too_long;
    ec = bhttp::error::bad_target;
    return;
  }
  request_.method = method;
  request_.method_text.assign(method_str.data(), method_str.size());
  request_.target.assign(target.data(), target.size());
  request_.version = static_cast<unsigned>(version);
}

void RequestParser::on_response_impl(int, string_view, int, error_code& ec) {
  ec = bhttp::error::bad_method;  // never called for requests
}

// Fields that must appear at most once: a second copy is how request smuggling
// and auth confusion attacks start, so it is refused rather than merged.
void RequestParser::set_single(std::string& slot, unsigned bit, string_view value, error_code& ec) {
  if ((seen_single_ & bit) != 0) {  // a second copy, even after an empty first one
    refusal_ = ParseRefusal::bad_request;
    ec = bhttp::error::bad_field;
    return;
  }
  seen_single_ |= bit;
  slot.assign(value.data(), value.size());
}

std::size_t RequestParser::put(boost::asio::const_buffer buffer, error_code& ec) {
  const bool header_was_done = is_header_done();
  put_start_ = static_cast<const char*>(buffer.data());
  const std::size_t used = basic_parser::put(buffer, ec);
  if (header_was_done) return used;
  if (!is_header_done()) {
    header_bytes_before_ += used;  // Beast consumed complete lines of a partial header
  } else if (!header_measured_ && (!ec || ec == bhttp::error::need_more)) {
    check_header_bytes(header_bytes_before_ + used, ec);  // no body bytes in this call
  }
  return used;
}

// The whole header, from the request line to the blank line, against the limit.
void RequestParser::check_header_bytes(std::size_t bytes, error_code& ec) {
  header_measured_ = true;
  if (bytes <= limits_.max_header_bytes) return;
  refusal_ = ParseRefusal::header_too_large;
  ec = bhttp::error::header_limit;
}

static void append_list(std::string& slot, boost::beast::string_view value) {
  if (!slot.empty()) slot.append(", ");
  slot.append(value.data(), value.size());
}

void RequestParser::on_field_impl(bhttp::field name, string_view name_string, string_view value,
                                  error_code& ec) {
  if (++field_count_ > limits_.max_header_fields) {
    refusal_ = ParseRefusal::header_too_large;
    ec = bhttp::error::header_limit;
    return;
  }
  switch (name) {
    case bhttp::field::host:
      set_single(request_.host, 1, value, ec);
      break;
    case bhttp::field::content_type:
      set_single(request_.content_type, 2, value, ec);
      break;
    case bhttp::field::authorization:
      set_single(request_.authorization, 4, value, ec);
      break;
    case bhttp::field::origin:
      set_single(request_.origin, 8, value, ec);
      break;
    case bhttp::field::access_control_request_method:
      set_single(request_.access_control_request_method, 16, value, ec);
      break;
    case bhttp::field::forwarded:
      append_list(request_.forwarded, value);
      break;
    case bhttp::field::transfer_encoding:
      has_transfer_encoding_ = true;
      break;
    case bhttp::field::expect:
      request_.expect_continue = boost::beast::iequals(value, "100-continue");
      break;
    default:
      if (boost::beast::iequals(name_string, "x-forwarded-for")) {
        append_list(request_.x_forwarded_for, value);
      } else {
        keep_extension_field(name_string, value, ec);
      }
      break;
  }
}

void RequestParser::keep_extension_field(string_view name, string_view value, error_code& ec) {
  for (std::size_t i = 0; i < kept_fields_.size(); ++i) {
    if (!boost::beast::iequals(name, kept_fields_[i])) continue;
    set_single(request_.kept[i], kKeptFieldBit << i, value, ec);
    request_.kept_present |= 1u << i;
    return;
  }
}

void RequestParser::on_header_impl(error_code& ec) {
  request_.keep_alive = keep_alive();
  // RFC 9112 section 3.2: a 1.1 request without Host is a 400.
  if (request_.version >= 11 && (seen_single_ & 1) == 0) {
    refusal_ = ParseRefusal::bad_request;
    ec = bhttp::error::bad_field;
    return;
  }
  // RFC 9112 section 6.3: a request whose Transfer-Encoding does not end in
  // chunked has no knowable length: refuse it rather than guess (smuggling).
  if (has_transfer_encoding_ && !chunked()) {
    refusal_ = ParseRefusal::bad_request;
    ec = bhttp::error::bad_transfer_encoding;
    return;
  }
  // Chunked request bodies are refused with 411 (RFC 9112 section 6.3 lets a
  // server require Content-Length). API bodies are small JSON documents whose
  // length clients know, and fuzzing found an assertion in Boost 1.81's
  // chunk-trailer parsing (basic_parser.ipp parse_chunk_header, "n >= 5"):
  // refusing chunked keeps that code unreachable from the network.
  if (chunked()) {
    refusal_ = ParseRefusal::length_required;
    ec = bhttp::error::bad_transfer_encoding;
  }
}

void RequestParser::on_body_init_impl(boost::optional<std::uint64_t> const& content_length,
                                      error_code&) {
  request_.has_body = true;
  // Room for the JSON parser's padding, so the body is parsed in place.
  if (content_length)
    request_.body.reserve(static_cast<std::size_t>(*content_length) + kBodyPadding);
}

std::size_t RequestParser::on_body_impl(string_view body, error_code& ec) {
  // The first body bytes sit right after the header in the caller's buffer
  // (put() hands Beast that one buffer, so Beast passes views into it).
  if (!header_measured_) {
    check_header_bytes(header_bytes_before_ + static_cast<std::size_t>(body.data() - put_start_),
                       ec);
    if (ec) return 0;
  }
  request_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, string_view, error_code&) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_finish_impl(error_code&) {}

ParseRefusal classify_parse_error(const boost::beast::error_code& ec, ParseRefusal from_parser) {
  if (from_parser != ParseRefusal::none) return from_parser;
  if (ec == bhttp::error::header_limit) return ParseRefusal::header_too_large;
  if (ec == bhttp::error::body_limit) return ParseRefusal::body_too_large;
  return ParseRefusal::bad_request;
}

}  // namespace smlapi::http
