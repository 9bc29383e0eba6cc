// LocalAdmissionStore: the in-process admission store follows the order and effects every
// admission store must (ratelimit/admission_store.h): a refused address reads and counts
// nothing else, a listed token leaves the subject uncounted, an unreadable deny-list stops the
// subject limit unless the fail-open rule accepts it.
#include "api/local_admission_store.h"

#include "auth/memory_revocation_store.h"
#include "ratelimit/memory_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

namespace smlapi::api {
namespace {

using namespace std::chrono_literals;
using ratelimit::AdmissionQuery;
using ratelimit::LimitQuery;
using ratelimit::Listing;

constexpr std::int64_t kNow = 1'900'000'000;
const ratelimit::Policy kAddress{"predict", 2, 60s, 1};
const ratelimit::Policy kSubject{"predict-user", 2, 60s, 1};

// A deny-list that cannot be read (a backend down).
class UnreadableDenyList final : public auth::RevocationStore {
 public:
  boost::system::result<bool, auth::RevocationError> is_revoked(std::string_view,
                                                                std::int64_t) override {
    ++reads;
    return auth::RevocationError::unavailable;
  }
  boost::system::result<void, auth::RevocationError> revoke(std::string_view, std::int64_t,
                                                            std::int64_t) override {
    return auth::RevocationError::unavailable;
  }
  int reads = 0;
};

AdmissionQuery full_query() {
  AdmissionQuery query;
  query.address = LimitQuery{"rl:predict:ip:10.0.0.1", &kAddress};
  query.jti = "jti-1";
  query.subject = LimitQuery{"rl:predict-user:sub:alice", &kSubject};
  query.now = ratelimit::TimePoint(100s);
  query.unix_now = kNow;
  return query;
}

TEST(LocalAdmissionStore, AnAllowedStepCountsTheAddressAndTheSubject) {
  auto limits = std::make_shared<ratelimit::MemoryStore>();
  LocalAdmissionStore store(limits, std::make_shared<auth::MemoryRevocationStore>());
  const auto results = store.run(full_query());
  ASSERT_TRUE(results.address.has_value());
  EXPECT_TRUE(results.address->allowed);
  EXPECT_EQ(results.listing, Listing::absent);
  ASSERT_TRUE(results.subject.has_value());
  EXPECT_TRUE(results.subject->allowed);
  EXPECT_EQ(limits->size(), 2u);
  EXPECT_FALSE(store.shared());
}

TEST(LocalAdmissionStore, ARefusedAddressReadsAndCountsNothingElse) {
  auto limits = std::make_shared<ratelimit::MemoryStore>();
  auto deny_list = std::make_shared<UnreadableDenyList>();
  LocalAdmissionStore store(limits, deny_list);
  AdmissionQuery address_only = full_query();
  address_only.jti.reset();
  address_only.subject.reset();
  ASSERT_TRUE(store.run(address_only).address->allowed);
  ASSERT_TRUE(store.run(address_only).address->allowed);  // the burst of 2
  const auto results = store.run(full_query());
  EXPECT_FALSE(results.address->allowed);
  EXPECT_FALSE(results.listing.has_value());
  EXPECT_FALSE(results.subject.has_value());
  EXPECT_EQ(deny_list->reads, 0);
  EXPECT_EQ(limits->size(), 1u) << "the subject key was never created";
}

TEST(LocalAdmissionStore, AListedTokenLeavesTheSubjectUncounted) {
  auto limits = std::make_shared<ratelimit::MemoryStore>();
  auto deny_list = std::make_shared<auth::MemoryRevocationStore>();
  ASSERT_TRUE(deny_list->revoke("jti-1", kNow + 600, kNow).has_value());
  LocalAdmissionStore store(limits, deny_list);
  const auto results = store.run(full_query());
  EXPECT_TRUE(results.address->allowed);
  EXPECT_EQ(results.listing, Listing::listed);
  EXPECT_FALSE(results.subject.has_value());
  EXPECT_EQ(limits->size(), 1u);
}

TEST(LocalAdmissionStore, AnUnreadableDenyListStopsTheSubjectUnlessAccepted) {
  auto limits = std::make_shared<ratelimit::MemoryStore>();
  LocalAdmissionStore closed(limits, std::make_shared<UnreadableDenyList>(), false);
  const auto refused = closed.run(full_query());
  EXPECT_EQ(refused.listing, Listing::unknown);
  EXPECT_FALSE(refused.subject.has_value());

  LocalAdmissionStore open(limits, std::make_shared<UnreadableDenyList>(), true);
  const auto accepted = open.run(full_query());
  EXPECT_EQ(accepted.listing, Listing::unknown);
  EXPECT_TRUE(accepted.subject.has_value());
}

TEST(LocalAdmissionStore, AnEmptyQueryAnswersNothing) {
  auto limits = std::make_shared<ratelimit::MemoryStore>();
  LocalAdmissionStore store(limits, std::make_shared<auth::MemoryRevocationStore>());
  const auto results = store.run(AdmissionQuery{});
  EXPECT_FALSE(results.address.has_value());
  EXPECT_FALSE(results.listing.has_value());
  EXPECT_FALSE(results.subject.has_value());
  EXPECT_EQ(limits->size(), 0u);
}

}  // namespace
}  // namespace smlapi::api
