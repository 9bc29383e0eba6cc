// The shared state one request's admission reads and writes — the per-address limit, the token
// deny-list and the per-subject limit — as one store step. The API's admission
// (api/admission.h) asks for whichever of the three a stage needs; a shared store answers the
// whole step in one round trip (redis::RedisAdmissionStore: one Lua script), the in-process one
// check by check (api::LocalAdmissionStore). Both follow the order and effects of separate
// checks: a refused step leaves every later key untouched.
//
// The query is a value whose keys the caller keeps alive until the results are in, so a store
// that answers later (an asynchronous client) can hold it while the request waits.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ratelimit/decision.h"
#include "ratelimit/policy.h"
#include "ratelimit/time.h"

namespace smlapi::ratelimit {

// What a deny-list read found.
enum class Listing : std::uint8_t {
  absent,  // not revoked
  listed,  // revoked
  unknown  // the deny-list could not be read
};

struct LimitQuery {
  std::string_view key;  // e.g. "rl:predict:ip:192.0.2.1"
  const Policy* policy = nullptr;
};

struct AdmissionQuery {
  std::optional<LimitQuery> address;    // first, when set
  std::optional<std::string_view> jti;  // the deny-list read, when set
  std::optional<LimitQuery> subject;    // last, when set
  TimePoint now{};                      // monotonic: limits and local fallbacks
  std::int64_t unix_now = 0;            // seconds: deny-list entries expire in Unix time
};

// Each part is set when it was asked for and ran: the deny-list is read only when the address
// (if asked) allowed; the subject limit runs only when the address allowed and the deny-list
// (if asked) said absent — or unknown, when the store's failure mode accepts an unreadable
// deny-list (fail-open).
struct AdmissionResults {
  std::optional<Decision> address;
  std::optional<Listing> listing;
  std::optional<Decision> subject;
};

// A request waiting for an asynchronous store's answer (AdmissionStore::run_async).
class AdmissionWaiter {
 public:
  // The query being answered: the store reads it until it calls admission_done().
  virtual const AdmissionQuery& admission_query() const = 0;
  virtual void admission_done(const AdmissionResults& results) = 0;

 protected:
  ~AdmissionWaiter() = default;
};

class AdmissionStore {
 public:
  virtual ~AdmissionStore() = default;
  // Answers before returning (a shared store: blocking on its round trip).
  virtual AdmissionResults run(const AdmissionQuery& query) = 0;
  // Not the in-process store: its step latency is worth a histogram, its failures a counter.
  virtual bool shared() const noexcept = 0;
  // True: run_async answers later, on the event loop of the worker that asked, and that loop
  // answers other requests meanwhile. False: run_async answers before it returns.
  virtual bool asynchronous() const noexcept { return false; }
  // `worker`: the calling event loop's index. `waiter` must outlive the call to admission_done.
  virtual void run_async(unsigned /*worker*/, AdmissionWaiter& waiter) {
    waiter.admission_done(run(waiter.admission_query()));
  }
};

// The rule both stores follow after the deny-list read: whether the subject limit runs.
constexpr bool subject_limit_runs(Listing listing, bool unknown_listing_accepted) noexcept {
  return listing == Listing::absent || (listing == Listing::unknown && unknown_listing_accepted);
}

}  // namespace smlapi::ratelimit
