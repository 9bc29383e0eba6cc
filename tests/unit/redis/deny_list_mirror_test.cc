// DenyListMirror on its own: lookups, expiry, the outage answer of each mode, resync merging and
// the revocation message format. No Redis needed.
#include "redis/deny_list_mirror.h"

#include <gtest/gtest.h>

namespace smlapi::redis {
namespace {

using ratelimit::Listing;

constexpr std::int64_t kNow = 1'900'000'000;

DenyListEntry entry(const Config& config, std::string_view jti, std::int64_t deny_until) {
  return {deny_list_key(config, jti), deny_until};
}

TEST(DenyListMirrorTest, EntriesEndAtTheirDeadlineAndResyncDropsThem) {
  const Config config;
  DenyListMirror mirror(config, RevocationFailureMode::mirror);
  mirror.add(entry(config, "a", kNow + 10));
  EXPECT_EQ(mirror.outage_listing("a", kNow), Listing::listed);
  EXPECT_EQ(mirror.outage_listing("a", kNow + 9), Listing::listed);
  EXPECT_EQ(mirror.outage_listing("a", kNow + 10), Listing::absent);
  mirror.replace({entry(config, "a", kNow + 10)}, mirror.generation(), kNow + 20);
  EXPECT_EQ(mirror.size(), 0u);
}

TEST(DenyListMirrorTest, ClosedModeAnswersUnknownForWhatItDoesNotList) {
  const Config config;
  DenyListMirror mirror(config, RevocationFailureMode::closed);
  mirror.add(entry(config, "revoked", kNow + 60));
  EXPECT_EQ(mirror.outage_listing("revoked", kNow), Listing::listed);
  EXPECT_EQ(mirror.outage_listing("other", kNow), Listing::unknown);
  DenyListMirror open_mirror(config, RevocationFailureMode::mirror);
  EXPECT_EQ(open_mirror.outage_listing("other", kNow), Listing::absent);
}

TEST(DenyListMirrorTest, KeysAreThoseOfRedisIncludingTheBound) {
  Config config;
  config.key_prefix = "p:";
  config.max_key_bytes = 40;
  const std::string long_jti(100, 'j');
  const std::string key = deny_list_key(config, long_jti);
  EXPECT_EQ(key.rfind("p:revoked:", 0), 0u);
  EXPECT_LE(key.size(), std::string("p:revoked:").size() + 40);
  DenyListMirror mirror(config, RevocationFailureMode::mirror);
  mirror.add({key, kNow + 60});
  EXPECT_EQ(mirror.outage_listing(long_jti, kNow), Listing::listed);
}

TEST(DenyListMirrorTest, ResyncKeepsUnpublishedAndNewerEntriesOnly) {
  const Config config;
  DenyListMirror mirror(config, RevocationFailureMode::mirror);
  mirror.add(entry(config, "deleted-in-redis", kNow + 60));
  ASSERT_TRUE(mirror.add_unpublished(entry(config, "queued", kNow + 60)));
  const std::uint64_t since = mirror.generation();  // the resync's SCAN starts here
  mirror.add(entry(config, "arrived-during-scan", kNow + 60));
  mirror.replace({entry(config, "in-redis", kNow + 60)}, since, kNow);
  EXPECT_EQ(mirror.outage_listing("deleted-in-redis", kNow), Listing::absent);
  EXPECT_EQ(mirror.outage_listing("queued", kNow), Listing::listed);
  EXPECT_EQ(mirror.outage_listing("arrived-during-scan", kNow), Listing::listed);
  EXPECT_EQ(mirror.outage_listing("in-redis", kNow), Listing::listed);
  ASSERT_EQ(mirror.unpublished().size(), 1u);
  EXPECT_EQ(mirror.unpublished()[0].key, deny_list_key(config, "queued"));
  mirror.published(deny_list_key(config, "queued"));
  EXPECT_TRUE(mirror.unpublished().empty());
  EXPECT_EQ(mirror.outage_listing("queued", kNow), Listing::listed) << "published stays listed";
}

TEST(DenyListMirrorTest, UnpublishedRevocationsAreBounded) {
  const Config config;
  DenyListMirror mirror(config, RevocationFailureMode::mirror);
  for (std::size_t i = 0; i < DenyListMirror::kMaxUnpublished; ++i) {
    ASSERT_TRUE(mirror.add_unpublished(entry(config, "t" + std::to_string(i), kNow + 60)));
  }
  EXPECT_FALSE(mirror.add_unpublished(entry(config, "one-too-many", kNow + 60)));
  EXPECT_EQ(mirror.outage_listing("one-too-many", kNow), Listing::absent);
  mirror.published(deny_list_key(config, "t0"));
  EXPECT_TRUE(mirror.add_unpublished(entry(config, "one-too-many", kNow + 60)));
}

TEST(DenyListMirrorTest, MessagesRoundTripAndMalformedOnesAreIgnored) {
  const DenyListEntry sent{"smlapi:revoked:a b", kNow};
  const auto received = parse_revocation_message(revocation_message(sent));
  ASSERT_TRUE(received.has_value());
  EXPECT_EQ(received->key, sent.key);
  EXPECT_EQ(received->deny_until, sent.deny_until);
  for (std::string_view bad : {"", "123", "123 ", "x12 key", " key"}) {
    EXPECT_FALSE(parse_revocation_message(bad).has_value()) << bad;
  }
  EXPECT_EQ(revocation_channel(Config{}), "smlapi:revocations");
}

}  // namespace
}  // namespace smlapi::redis
