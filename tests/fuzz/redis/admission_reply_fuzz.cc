// Fuzzes the service's RESP reader (hiredis's parser with bounded replies, reply_reader.h) and
// the check of an admission script's reply (AdmissionBatch::read) with any RESP a server — or
// something pretending to be one — could send: the reader reads the bytes, and every reply is
// read as a batch of one to three requests, each request against each shape of query. A reply
// of the wrong shape must be refused (nullopt: the request then gets the failure mode's
// answer), never half-read; an accepted one must follow the script's rules (only what was
// asked; a refused address carries nothing after it; a listed token no subject decision).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include <hiredis/hiredis.h>

#include "redis/admission_batch.h"
#include "redis/reply_reader.h"

namespace {

using smlapi::ratelimit::AdmissionQuery;
using smlapi::ratelimit::LimitQuery;
using smlapi::ratelimit::Listing;
using smlapi::ratelimit::Policy;

const Policy kPolicy{"predict", 10, std::chrono::seconds(60), 5};

AdmissionQuery shape(int which) {
  AdmissionQuery query;
  if (which == 0 || which == 1) query.address = LimitQuery{"a", &kPolicy};
  if (which == 1 || which == 2) query.jti = "j";
  if (which == 1 || which == 2 || which == 3) query.subject = LimitQuery{"s", &kPolicy};
  return query;
}

void check(const redisReply& reply, std::size_t requests, std::size_t index) {
  for (int which = 0; which < 4; ++which) {
    const AdmissionQuery query = shape(which);
    const auto results = smlapi::redis::AdmissionBatch::read(reply, requests, index, query);
    if (!results.has_value()) continue;
    if (index >= requests) std::abort();  // no request there
    if (results->address.has_value() != query.address.has_value()) std::abort();
    if (results->listing.has_value() && !query.jti.has_value()) std::abort();
    if (results->subject.has_value() && !query.subject.has_value()) std::abort();
    if (results->address.has_value() && !results->address->allowed &&
        (results->listing.has_value() || results->subject.has_value())) {
      std::abort();
    }
    if (results->listing == Listing::listed && results->subject.has_value()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  smlapi::redis::ReplyReader reader;  // the service's reader: bounded arrays
  if (!reader.feed(reinterpret_cast<const char*>(data), size)) return 0;
  for (int replies = 0; replies < 64; ++replies) {
    smlapi::redis::Reply reply;
    if (reader.next(reply) != smlapi::redis::ReplyReader::Next::reply) break;
    for (std::size_t requests = 1; requests <= 3; ++requests) {
      for (std::size_t index = 0; index <= requests; ++index) check(*reply, requests, index);
    }
  }
  return 0;
}
