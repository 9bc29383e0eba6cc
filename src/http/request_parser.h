// Incremental HTTP/1.1 request parser on top of Beast's basic_parser: Beast does
// the grammar (and request-smuggling defences such as conflicting
// Content-Length / Transfer-Encoding); this class keeps the standard fields the server and
// handlers use plus the extension fields its handler asks for, and enforces the field-count and
// target-length limits Beast lacks.
#pragma once

#include "http/limits.h"
#include "http/request.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>

#include <span>
#include <string_view>

namespace smlapi::http {

// Why a request was refused before it reached the router.
enum class ParseRefusal {
  none,
  bad_request,
  header_too_large,
  target_too_long,
  body_too_large,
  length_required
};

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  // `kept_fields`: extension fields to keep in Request::kept (Handler::kept_fields); the span
  // must outlive the parser.
  RequestParser(Request& request, const ServerLimits& limits,
                std::span<const std::string_view> kept_fields = {});

  ParseRefusal refusal() const { return refusal_; }

  // basic_parser::put, plus the header byte limit measured on the wire: the
  // bytes from the request line to the blank line, however they are split
  // across calls, must fit max_header_bytes. (Beast's own header_limit is
  // relative to each call's buffer and, for a header that arrives whole, starts
  // after the request line: on its own it lets the split decide.)
  std::size_t put(boost::asio::const_buffer buffer, boost::beast::error_code& ec);

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb method, string_view method_str, string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void keep_extension_field(string_view name, string_view value, error_code& ec);
  // set_single bits: the standard fields use 1..16, kept field i uses kKeptFieldBit << i.
  static constexpr unsigned kKeptFieldBit = 32;
  void on_body_init_impl(boost::optional<std::uint64_t> const& content_length,
                         error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code& ec) override;

  void set_single(std::string& slot, unsigned bit, string_view value, error_code& ec);
  void check_header_bytes(std::size_t bytes, error_code& ec);

  Request& request_;
  const ServerLimits& limits_;
  std::size_t field_count_ = 0;
  bool has_transfer_encoding_ = false;
  unsigned seen_single_ = 0;  // bit per single-valued field already received
  std::span<const std::string_view> kept_fields_;
  // Header bytes consumed by earlier put() calls; the current call's buffer.
  std::size_t header_bytes_before_ = 0;
  const char* put_start_ = nullptr;
  bool header_measured_ = false;
  ParseRefusal refusal_ = ParseRefusal::none;
};

// Maps a Beast parse error to the refusal the client is told about.
ParseRefusal classify_parse_error(const boost::beast::error_code& ec, ParseRefusal from_parser);

}  // namespace smlapi::http
