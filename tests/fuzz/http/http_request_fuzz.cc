// Fuzzes the HTTP request parser the way a connection drives it: arbitrary bytes,
// parsed as a sequence of pipelined requests, once in one piece and once split
// at a point the fuzzer chooses. Input layout: two bytes of split offset, then
// the wire bytes. Invariants: never crash; every error classifies to a refusal;
// header, target and body stay within their limits; the split does not change
// what is accepted.
#include "http/request_parser.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using smlapi::http::ParseRefusal;
using smlapi::http::Request;
using smlapi::http::RequestParser;
using smlapi::http::ServerLimits;

// Small limits so the fuzzer reaches every one of them.
const ServerLimits& limits() {
  static const ServerLimits kLimits = [] {
    ServerLimits l;
    l.max_header_bytes = 512;
    l.max_header_fields = 8;
    l.max_target_bytes = 64;
    l.max_body_bytes = 128;
    return l;
  }();
  return kLimits;
}

// The extension fields the API asks the parser to keep (api/kept_fields.h).
constexpr std::array<std::string_view, 2> kKeptFields = {"x-request-id",
                                                         "inference-header-content-length"};

struct Outcome {
  std::vector<std::string> requests;  // one summary per completed request
  ParseRefusal refusal = ParseRefusal::none;
  bool refused = false;
};

// An invariant that must hold; names the broken one before aborting.
#define FUZZ_CHECK(condition)                                                                \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)

std::string summary(const Request& r) {
  std::string s = r.method_text + ' ' + r.target + ' ' + std::to_string(r.version) + ' ' +
                  (r.keep_alive ? 'k' : 'c') + (r.expect_continue ? 'e' : '-') + ' ' + r.host +
                  '|' + r.content_type + '|' + r.authorization + '|' + r.kept[0] + '|' + r.kept[1] +
                  '|' + r.x_forwarded_for + '|' + r.forwarded + '|' + r.origin + '|' + r.body;
  return s;
}

// Parses pieces in order as a connection would: bytes a parser leaves unused
// stay buffered for the next request. At most a few requests per input.
Outcome run(const std::vector<std::string_view>& pieces) {
  Outcome outcome;
  std::string pending;
  std::string message;  // bytes the parser consumed for the current request
  bool header_checked = false;
  Request request;
  auto parser = std::make_unique<RequestParser>(request, limits(), kKeptFields);
  for (std::size_t p = 0; p < pieces.size() && !outcome.refused; ++p) {
    pending.append(pieces[p]);
    while (!pending.empty() && outcome.requests.size() < 8) {
      boost::beast::error_code ec;
      std::size_t used = parser->put(boost::asio::const_buffer(pending.data(), pending.size()), ec);
      FUZZ_CHECK(used <= pending.size());
      message.append(pending, 0, used);
      pending.erase(0, used);
      const bool accepted_so_far = !ec || ec == boost::beast::http::error::need_more;
      if (parser->is_header_done() && !header_checked && accepted_so_far) {
        // An accepted header, however it arrived, stays within the limit: the
        // parser measures it on the wire, request line to blank line.
        auto end = message.find("\r\n\r\n");
        FUZZ_CHECK(end != std::string::npos);
        FUZZ_CHECK(end + 4 <= limits().max_header_bytes);
        header_checked = true;
      }
      FUZZ_CHECK(request.body.size() <= limits().max_body_bytes);
      FUZZ_CHECK(request.target.size() <= limits().max_target_bytes);
      if (ec == boost::beast::http::error::need_more) {
        if (used == 0) break;
        continue;
      }
      if (ec) {
        outcome.refusal = smlapi::http::classify_parse_error(ec, parser->refusal());
        FUZZ_CHECK(outcome.refusal != ParseRefusal::none);
        outcome.refused = true;
        break;
      }
      if (parser->is_done()) {
        outcome.requests.push_back(summary(request));
        request.clear();
        parser = std::make_unique<RequestParser>(request, limits(), kKeptFields);
        message.clear();
        header_checked = false;
      } else if (used == 0) {
        break;
      }
    }
  }
  bool mid_request = !pending.empty() || (parser->got_some() && !parser->is_done());
  if (!outcome.refused && mid_request && outcome.requests.size() < 8) {
    // End of stream mid-request: the connection would put_eof.
    boost::beast::error_code ec;
    parser->put_eof(ec);
    if (ec) {
      outcome.refusal = smlapi::http::classify_parse_error(ec, parser->refusal());
      FUZZ_CHECK(outcome.refusal != ParseRefusal::none);
      outcome.refused = true;
    }
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  std::size_t split = (static_cast<std::size_t>(data[0]) << 8) | data[1];
  std::string_view wire(reinterpret_cast<const char*>(data + 2), size - 2);
  split = wire.empty() ? 0 : split % (wire.size() + 1);

  Outcome whole = run({wire});
  Outcome halves = run({wire.substr(0, split), wire.substr(split)});
  // Where the network happens to split the bytes must not change which
  // requests are accepted, nor whether the stream is refused. The reason may
  // differ, from Beast: given a whole header it checks each line as it goes,
  // but given a partial one it waits for the blank line (or the header limit),
  // so one bad, oversized header can be refused as malformed or as too large.
  FUZZ_CHECK(whole.requests == halves.requests);
  FUZZ_CHECK(whole.refused == halves.refused);
  return 0;
}
